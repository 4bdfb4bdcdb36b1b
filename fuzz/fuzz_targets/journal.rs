//! The journal reader: no input may make it panic, and a journal that reads
//! must write back to lines that read as the same entries.
#![no_main]

use contact_merge::journal::parse_journal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let journal = match parse_journal(data, "fuzz.jsonl") {
        Ok(j) => j,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let mut out = Vec::new();
    for e in &journal.entries {
        e.write(&mut out).expect("writing to memory cannot fail");
        let _ = e.summed_properties().count();
    }
    let back = parse_journal(&out, "again.jsonl").expect("a written journal reads back");
    assert_eq!(back.entries.len(), journal.entries.len());
    for (i, (a, b)) in journal.entries.iter().zip(&back.entries).enumerate() {
        let mut a = a.clone();
        a.line = i as u64 + 1;
        assert_eq!(&a, b, "entry {} changed on a round trip", i + 1);
    }
});
