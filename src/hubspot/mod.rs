//! HubSpot's vocabulary, spelled once: property names ([`property`]),
//! the keys of a contact's sections ([`key`]), association kinds
//! ([`association`]), header labels and lifecycle stages ([`labels`]), and
//! what is known of properties: counters, dates, valid values ([`props`]).
//! The model, the formats, the rules, `check` and unmerge use these names;
//! a name HubSpot changes is changed here.

pub mod labels;
pub mod portal;
pub mod props;

/// Contact property names (internal names, as the API spells them).
pub mod property {
    pub const EMAIL: &str = "email";
    pub const ADDITIONAL_EMAILS: &str = "hs_additional_emails";
    pub const LIFECYCLE_STAGE: &str = "lifecyclestage";
    pub const CREATE_DATE: &str = "createdate";
    pub const LAST_MODIFIED: &str = "lastmodifieddate";
    pub const MARKETABLE_STATUS: &str = "hs_marketable_status";
    pub const LEGAL_BASIS: &str = "hs_legal_basis";
    pub const OBJECT_ID: &str = "hs_object_id";
    pub const MERGED_OBJECT_IDS: &str = "hs_merged_object_ids";
    pub const SALESFORCE_ID: &str = "salesforcecontactid";
    /// The id of the contact's primary company (HubSpot's "Primary
    /// Associated Company ID").
    pub const PRIMARY_COMPANY: &str = "associatedcompanyid";
    /// How many deals the contact is associated with (HubSpot's "Number
    /// of Associated Deals"), which HubSpot counts itself.
    pub const DEAL_COUNT: &str = "num_associated_deals";
    /// Every record id of the contact, its own and those merged into it
    /// (HubSpot's derived `hs_all_contact_vids`).
    pub const ALL_VIDS: &str = "hs_all_contact_vids";

    /// The original source and its drill-downs, which travel together.
    pub const ORIGINAL_SOURCE: [&str; 3] = [
        "hs_analytics_source",
        "hs_analytics_source_data_1",
        "hs_analytics_source_data_2",
    ];

    /// First-visit times (earliest wins); the first one present decides whose
    /// first URL and referrer are kept.
    pub const FIRST_VISIT_TIMES: [&str; 2] = [
        "hs_analytics_first_timestamp",
        "hs_analytics_first_visit_timestamp",
    ];
    pub const FIRST_VISIT_DETAILS: [&str; 2] =
        ["hs_analytics_first_url", "hs_analytics_first_referrer"];
    /// Last-visit times (latest wins); the first one present decides whose last
    /// URL and referrer are kept.
    pub const LAST_VISIT_TIMES: [&str; 2] = [
        "hs_analytics_last_timestamp",
        "hs_analytics_last_visit_timestamp",
    ];
    pub const LAST_VISIT_DETAILS: [&str; 2] =
        ["hs_analytics_last_url", "hs_analytics_last_referrer"];
}

/// Section keys of a contact (SPEC section 2).
pub mod key {
    pub const ID: &str = "id";
    pub const PROPERTIES: &str = "properties";
    pub const HISTORY: &str = "propertiesWithHistory";
    pub const ASSOCIATIONS: &str = "associations";
    pub const CREATED_AT: &str = "createdAt";
    pub const UPDATED_AT: &str = "updatedAt";
    pub const ARCHIVED: &str = "archived";
    pub const ENGAGEMENTS: &str = "engagements";
    pub const LIST_MEMBERSHIPS: &str = "listMemberships";
    pub const WORKFLOWS: &str = "workflowEnrollments";
    pub const SUBSCRIPTIONS: &str = "subscriptions";
    pub const VISITS: &str = "visits";
    pub const FORM_SUBMISSIONS: &str = "formSubmissions";
    pub const USERTOKENS: &str = "usertokens";

    /// A v1 contact's keys that describe the record itself (which record,
    /// where it lives, when it was added), not data about the person: the
    /// secondary's go with it, as in any merge, and are not reported as
    /// parts it lost.
    /// A v1 contact's audit of the merges into it.
    pub const MERGE_AUDITS: &str = "merge-audits";
    pub const V1_RECORD: [&str; 6] = [
        "canonical-vid",
        "portal-id",
        "is-contact",
        "profile-token",
        "profile-url",
        "addedAt",
    ];
}

/// Association kinds with a rule of their own.
pub mod association {
    pub const COMPANIES: &str = "companies";
    pub const DEALS: &str = "deals";
    pub const TICKETS: &str = "tickets";
}
