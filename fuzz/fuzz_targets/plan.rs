//! The plan reader (CSV and JSON, and sniffing): no input may make it panic.
#![no_main]

use contact_merge::plan::{parse_plan, PlanFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [None, Some(PlanFormat::Csv), Some(PlanFormat::Json)] {
        match parse_plan(data, "fuzz-plan", format) {
            Ok(plan) => {
                for p in &plan.pairs {
                    let _ = plan.place(p.line);
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
