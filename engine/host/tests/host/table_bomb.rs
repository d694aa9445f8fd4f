//! Issue 7's table bomb: a plugin that links 99 funcref tables and grows each
//! to a million entries used about 1 GB of host memory under a 16 MiB limit.
//!
//! The bomb is a few lines of WebAssembly text: a core module whose start
//! function grows its tables, spliced into the echo guest, so the result is
//! still a verdict policy and the bomb goes off whenever the host
//! instantiates it (for `describe` and for each `evaluate`). Tables share
//! one budget with linear memory, so the bomb ends at the memory limit.

use super::{context, guest_bytes, host, test_limits};
use std::sync::Arc;
use verdict_evidence::Evidence;
use verdict_host::{HostErrorKind, Limits};

/// A core module with `tables` funcref tables, each grown to `elements`
/// entries (every one written) by its start function.
fn bomb_module(tables: usize, elements: u32) -> Vec<u8> {
    let mut text = String::from("(module\n  (func $f)\n  (elem declare func $f)\n");
    for table in 0..tables {
        text.push_str(&format!("  (table $t{table} 0 funcref)\n"));
    }
    text.push_str("  (func $start\n");
    for table in 0..tables {
        text.push_str(&format!(
            "    (drop (table.grow $t{table} (ref.func $f) (i32.const {elements})))\n"
        ));
    }
    text.push_str("  )\n  (start $start))\n");
    wat::parse_str(&text).expect("the bomb is valid WebAssembly text")
}

/// The echo guest with the bomb appended: a core module section and a core
/// instance section instantiating it.
fn table_bomb(tables: usize, elements: u32) -> Vec<u8> {
    table_bombs(1, tables, elements)
}

/// The echo guest with `copies` bombs appended (one module may declare at
/// most 100 tables).
fn table_bombs(copies: usize, tables: usize, elements: u32) -> Vec<u8> {
    let mut component = guest_bytes("echo");
    let first_index = top_level_core_modules(&component);
    let module = bomb_module(tables, elements);
    for copy in 0..copies {
        push_section(&mut component, 1, &module);
        // One instance: `0x00 module-index` with no arguments.
        let mut instance = vec![1, 0];
        leb128(&mut instance, (first_index + copy) as u64);
        instance.push(0);
        push_section(&mut component, 2, &instance);
    }
    component
}

/// How many core modules the component defines or aliases at its top
/// level: the index the next core module gets. (Core modules could also be
/// imported; a Rust guest imports only instances.)
fn top_level_core_modules(component: &[u8]) -> usize {
    let mut count = 0;
    let mut at = 8;
    while at < component.len() {
        let id = component[at];
        at += 1;
        let size = read_leb128(component, &mut at) as usize;
        let body = &component[at..at + size];
        match id {
            1 => count += 1,
            6 => count += core_module_aliases(body),
            _ => {}
        }
        at += size;
    }
    count
}

/// Entries of an alias section whose sort is `core module` (0x00 0x11).
fn core_module_aliases(body: &[u8]) -> usize {
    let mut at = 0;
    let entries = read_leb128(body, &mut at);
    let mut count = 0;
    for _ in 0..entries {
        let core_module = body[at] == 0x00 && body[at + 1] == 0x11;
        at += if body[at] == 0x00 { 2 } else { 1 };
        let target = body[at];
        at += 1;
        read_leb128(body, &mut at);
        if target == 0x02 {
            read_leb128(body, &mut at);
        } else {
            let name = read_leb128(body, &mut at) as usize;
            at += name;
        }
        count += usize::from(core_module);
    }
    count
}

fn push_section(component: &mut Vec<u8>, id: u8, body: &[u8]) {
    component.push(id);
    leb128(component, body.len() as u64);
    component.extend_from_slice(body);
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb128(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

#[test]
fn issue_7s_table_bomb_is_stopped_at_the_memory_limit() {
    // 99 tables of a million entries: about 800 MB if tables were free.
    let error = match host().load(&table_bomb(99, 1_000_000)) {
        Ok(_) => panic!("the table bomb loaded"),
        Err(error) => error,
    };
    assert_eq!(
        error.kind(),
        &HostErrorKind::DescribeFailed {
            reason: "exceeded its memory limit of 256 MiB".into()
        },
        "{error}"
    );
    assert!(error.to_string().starts_with("plugin `sha256:"), "{error}");
}

#[test]
fn tables_count_against_an_evaluations_memory_limit() {
    // Two tables of a million entries fit `describe`'s 256 MiB, not 16 MiB.
    let policy = host()
        .load(&table_bomb(2, 1_000_000))
        .expect("describe runs within the default limit");
    let limits = Limits {
        memory: 16 << 20,
        ..test_limits()
    };
    let error = policy
        .evaluate(
            "table-bomb",
            &serde_json::json!({}),
            &context(),
            &Arc::new(Evidence::default()),
            &limits,
            &mut Vec::new(),
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "policy `table-bomb`: exceeded its memory limit of 16 MiB"
    );
    // One small table is not a bomb: the budget leaves room for the guest.
    let policy = host().load(&table_bomb(1, 1000)).unwrap();
    let outcome = policy
        .evaluate(
            "small-table",
            &serde_json::json!({}),
            &context(),
            &Arc::new(Evidence::default()),
            &limits,
            &mut Vec::new(),
        )
        .unwrap();
    assert!(outcome.violations.is_empty());
}

#[test]
fn too_many_tables_are_refused() {
    // Tiny tables, but more of them than any policy needs: two modules of
    // 99 (wasmtime's parser allows 100 per module, not per component).
    let error = match host().load(&table_bombs(2, 99, 1)) {
        Ok(_) => panic!("198 tables loaded"),
        Err(error) => error,
    };
    let text = error.to_string();
    assert!(text.contains("describe failed"), "{text}");
    assert!(text.contains("table count too high"), "{text}");
}

#[test]
fn the_table_bomb_stays_far_below_a_gigabyte_of_host_memory() {
    // In a child process, so other tests' allocations do not count.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "table_bomb::table_bomb_rss_probe",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("table bomb grew RSS by"), "{stdout}");
}

/// Reads a `VmRSS`-style line of /proc/self/status, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = fs_err::read_to_string("/proc/self/status").expect("Linux's /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"))
}

/// Run by `the_table_bomb_stays_far_below_a_gigabyte_of_host_memory`.
#[test]
#[ignore = "run as a child process by the RSS test"]
fn table_bomb_rss_probe() {
    let bomb = table_bomb(99, 1_000_000);
    // Compile (and cache) first, so compilation's memory is not counted.
    assert!(host().load(&bomb).is_err());
    // Reset the peak to the current RSS where the kernel allows it; if it
    // does not, the peak below still bounds the bomb's growth from above.
    let _ = fs_err::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    assert!(host().load(&bomb).is_err());
    let growth_mib = status_kib("VmHWM:").saturating_sub(before) / 1024;
    println!("table bomb grew RSS by {growth_mib} MiB");
    // The budget is 256 MiB for `describe`; 800 MB would mean tables escape it.
    assert!(growth_mib < 384, "RSS grew by {growth_mib} MiB");
}
