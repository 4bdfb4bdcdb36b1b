//! Which properties are email information (kept from the primary).

use super::*;

/// A subscription's opt-out under the export's label (its property's id
/// unknown) is email information, as `hs_email_optout_ID` is.
#[test]
fn a_subscription_opt_out_under_its_label_is_email_information() {
    assert!(is_email_information(
        "Opted out of email: Marketing Information"
    ));
    assert!(is_email_information("opted out of email: One to One"));
    assert!(is_email_information("hs_email_optout_123"));
    assert!(!is_email_information("Opted"));
    assert!(!is_email_information("Notes"));
}
