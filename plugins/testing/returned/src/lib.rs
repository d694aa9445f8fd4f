//! Test guest `returned`: a guest written against the contract without the
//! SDK's batches, as every guest was before `violations.report`: it returns
//! 3000 violations in its outcome (the first naming control `legacy-1`,
//! which it reports `violated`) and never calls the import. With
//! `{"bad-at": N}` violation N has an empty fingerprint.

#![allow(unsafe_code, reason = "wit-bindgen's export glue")]

use verdict_policy_sdk::__bindings::verdict::policy::types as wit;
use verdict_policy_sdk::{__Guest, __WitContext, __WitDescriptor, __WitOutcome};

struct Returned;

impl __Guest for Returned {
    fn describe() -> __WitDescriptor {
        wit::Descriptor {
            name: "returned".into(),
            version: "0.1.0".into(),
            description: "Returns its violations in the outcome.".into(),
            consumes: vec![],
            requires: vec![],
            config_schema: "{}".into(),
            controls: vec![wit::Control {
                id: "legacy-1".into(),
                title: "Old guests still decide".into(),
            }],
        }
    }

    fn evaluate(config: String, _: __WitContext) -> Result<__WitOutcome, String> {
        let bad_at = config
            .split("\"bad-at\":")
            .nth(1)
            .and_then(|rest| rest.trim_end_matches('}').trim().parse::<usize>().ok());
        let violations = (0..3000)
            .map(|i| wit::Violation {
                rule: "returned".into(),
                message: format!("returned violation {i}"),
                severity: wit::Severity::Low,
                location: None,
                fingerprint: if bad_at == Some(i) {
                    String::new()
                } else {
                    format!("returned-{i}")
                },
                control: (i == 0).then(|| "legacy-1".into()),
                scanner_rule: None,
                advisories: vec![],
            })
            .collect();
        Ok(wit::Outcome {
            violations,
            controls: vec![wit::ControlResult {
                control: "legacy-1".into(),
                status: wit::ControlStatus::Violated,
                evidence: vec![],
            }],
            notes: vec!["returned, not reported".into()],
        })
    }
}

verdict_policy_sdk::__bindings::__export_plugin!(Returned with_types_in verdict_policy_sdk::__bindings);
