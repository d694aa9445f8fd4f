//! A realistic synthetic SARIF log for the benchmarks: several runs, a few
//! hundred rules with `security-severity` and CWE tags, and results with
//! messages, locations, snippets, partial fingerprints and some code flows.

use std::fmt::Write;

/// A small deterministic generator (xorshift), so every run writes the same file.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

const RULES_PER_RUN: usize = 300;
const RUNS: usize = 3;
const LEVELS: [&str; 4] = ["error", "warning", "note", "none"];
const WORDS: [&str; 12] = [
    "user",
    "input",
    "flows",
    "into",
    "query",
    "without",
    "sanitization",
    "buffer",
    "length",
    "unchecked",
    "path",
    "value",
];

/// A SARIF log of about `target_bytes` bytes. Returns the bytes and the
/// number of results written.
pub fn sarif(target_bytes: usize) -> (Vec<u8>, usize) {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(target_bytes + target_bytes / 8);
    let mut results = 0;
    out.push_str("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n");
    for run in 0..RUNS {
        if run > 0 {
            out.push_str(",\n");
        }
        write_tool(&mut out, run, &mut random);
        out.push_str(",\n      \"results\": [\n");
        let run_end = target_bytes * (run + 1) / RUNS;
        let mut first = true;
        while out.len() < run_end {
            if !first {
                out.push_str(",\n");
            }
            first = false;
            write_result(&mut out, run, &mut random);
            results += 1;
        }
        out.push_str(
            "\n      ],\n      \"invocations\": [{ \"executionSuccessful\": true }]\n    }",
        );
    }
    out.push_str("\n  ]\n}\n");
    (out.into_bytes(), results)
}

fn write_tool(out: &mut String, run: usize, random: &mut Random) {
    let _ = write!(
        out,
        "    {{\n      \"tool\": {{\n        \"driver\": {{\n          \"name\": \"Scanner{run}\",\n          \"semanticVersion\": \"2.{run}.0\",\n          \"rules\": ["
    );
    for rule in 0..RULES_PER_RUN {
        if rule > 0 {
            out.push(',');
        }
        let score = random.below(100) as f64 / 10.0;
        let cwe = random.below(900) + 20;
        let level = LEVELS[random.below(3) as usize];
        let _ = write!(
            out,
            "\n            {{\n              \"id\": \"lang/rule-{rule}\",\n              \"name\": \"Rule{rule}\",\n              \"shortDescription\": {{ \"text\": \"Rule {rule} short description\" }},\n              \"fullDescription\": {{ \"text\": \"A longer description of rule {rule} that explains the problem in a sentence or two.\" }},\n              \"defaultConfiguration\": {{ \"enabled\": true, \"level\": \"{level}\" }},\n              \"messageStrings\": {{ \"default\": {{ \"text\": \"Value {{0}} reaches {{1}}.\" }} }},\n              \"properties\": {{\n                \"tags\": [\"security\", \"external/cwe/cwe-{cwe:03}\", \"correctness\"],\n                \"precision\": \"high\",\n                \"security-severity\": \"{score:.1}\"\n              }}\n            }}"
        );
    }
    out.push_str("\n          ]\n        }\n      }");
}

/// One result on one line, as most tools write them (about 330 bytes).
fn write_result(out: &mut String, run: usize, random: &mut Random) {
    let rule = random.below(RULES_PER_RUN as u64);
    let file = random.below(2_000);
    let line = random.below(3_000) + 1;
    let hash = random.next();
    let _ = write!(
        out,
        "{{\"ruleId\":\"lang/rule-{rule}\",\"ruleIndex\":{rule},"
    );
    if random.below(4) == 0 {
        let _ = write!(out, "\"level\":\"{}\",", LEVELS[random.below(4) as usize]);
    }
    if random.below(5) == 0 {
        let _ = write!(
            out,
            "\"message\":{{\"id\":\"default\",\"arguments\":[\"v{line}\",\"sink{file}\"]}},"
        );
    } else {
        out.push_str("\"message\":{\"text\":\"");
        for word in 0..(5 + random.below(8)) {
            if word > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[random.below(WORDS.len() as u64) as usize]);
        }
        out.push_str(".\"},");
    }
    let _ = write!(
        out,
        "\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":\"src/module{}/file{file}.py\",\"uriBaseId\":\"%SRCROOT%\"}},\"region\":{{\"startLine\":{line},\"startColumn\":5,\"endColumn\":42}}}}}}],\"partialFingerprints\":{{\"primaryLocationLineHash\":\"{hash:016x}:1\"}}",
        file % 40
    );
    if random.below(10) == 0 {
        out.push_str(",\"codeFlows\":[{\"threadFlows\":[{\"locations\":[");
        for step in 0..3 {
            if step > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "{{\"location\":{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":\"src/flow{step}.py\"}},\"region\":{{\"startLine\":{}}}}},\"message\":{{\"text\":\"step {step}\"}}}}}}",
                line + step
            );
        }
        out.push_str("]}]}]");
    }
    if random.below(50) == 0 {
        out.push_str(",\"suppressions\":[{\"kind\":\"inSource\",\"justification\":\"reviewed\"}]");
    }
    let _ = write!(out, ",\"properties\":{{\"run\":{run}}}}}");
}
