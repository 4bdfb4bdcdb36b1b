//! Round trip: any input that reads as an export, in any format, writes
//! back to bytes that read as an equal export (`==` on `Export`, layout
//! included), and writing that again gives the same bytes.
#![no_main]

use contact_merge::format::{read_bytes, write_to_vec, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::Ndjson, Format::Csv] {
        let Ok(export) = read_bytes(data, format, "fuzz") else {
            continue;
        };
        let written = write_to_vec(&export, format);
        let back = match read_bytes(&written, format, "written") {
            Ok(back) => back,
            Err(e) => panic!(
                "{format:?}: what was written does not read back: {e}\nwritten: {:?}",
                String::from_utf8_lossy(&written)
            ),
        };
        assert!(
            back == export,
            "{format:?}: the export changed on a round trip\nread: {export:?}\nback: {back:?}\nwritten: {:?}",
            String::from_utf8_lossy(&written)
        );
        let again = write_to_vec(&back, format);
        assert!(
            again == written,
            "{format:?}: writing twice differs\nfirst: {:?}\nagain: {:?}",
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&again)
        );
    }
});
