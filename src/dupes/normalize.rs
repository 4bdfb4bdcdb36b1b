//! Normalisers: the form of each value that duplicates share. Each is a
//! small function of one value (and, for phones, the contact's country),
//! so that what counts as "the same" is decided in one place.

/// An email address compared: trimmed, lower-cased, a `mailto:` prefix and
/// angle brackets dropped. `None` when nothing is left or there is no `@`.
pub fn email(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.strip_prefix('<').unwrap_or(s);
    let s = s.strip_suffix('>').unwrap_or(s).trim();
    let s = s.to_lowercase();
    let s = s.strip_prefix("mailto:").unwrap_or(&s).trim();
    (s.contains('@') && s.len() > 2).then(|| s.to_string())
}

/// A normalised email ([`email`]) in the form its mailbox receives:
/// `+tag` dropped at every domain (sub-addressing, RFC 5233: Gmail and
/// Google Workspace, Outlook and Microsoft 365, iCloud, Fastmail, Proton
/// and most mail servers deliver `name+tag@` to `name@`; a company that
/// gives two people `ann@` and `ann+crm@` is not to be met), dots dropped
/// where the provider ignores them (Gmail), and `googlemail.com` as
/// `gmail.com`. Dots stay at other domains: there `a.b@` and `ab@` may be
/// two people.
pub fn canonical_email(e: String) -> String {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return e;
    };
    let untagged = local.split('+').next().unwrap_or(local);
    if domain == "gmail.com" || domain == "googlemail.com" {
        let local: String = untagged.chars().filter(|c| *c != '.').collect();
        if local.is_empty() {
            return e;
        }
        return format!("{local}@gmail.com");
    }
    if untagged.is_empty() || untagged.len() == local.len() {
        return e;
    }
    format!("{untagged}@{domain}")
}

/// A date of birth as its digits, year first when the year is written
/// last (`03/02/1981` → `19810203`, day before month as written);
/// `1981-02-03`, `19810203` → `19810203`. Other forms keep their digits.
pub fn dob(raw: &str) -> String {
    let parts: Vec<&str> = raw
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() >= 3 && parts[2].len() == 4 && parts[0].len() <= 2 && parts[1].len() <= 2 {
        return format!("{}{:0>2}{:0>2}", parts[2], parts[1], parts[0]);
    }
    if parts.len() >= 3 && parts[0].len() == 4 {
        return format!("{}{:0>2}{:0>2}", parts[0], parts[1], parts[2]);
    }
    parts.concat()
}

/// An id number: letters and digits only, lower-cased.
pub fn id_number(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Local parts that name a role or a shared mailbox, not a person: a match
/// on them says nothing about who is behind the address.
const ROLE_LOCALS: &[&str] = &[
    "info",
    "sales",
    "admin",
    "contact",
    "office",
    "hello",
    "support",
    "help",
    "team",
    "mail",
    "email",
    "marketing",
    "billing",
    "accounts",
    "accounting",
    "finance",
    "hr",
    "jobs",
    "careers",
    "noreply",
    "donotreply",
    "enquiries",
    "inquiries",
    "reception",
    "service",
    "webmaster",
    "test",
];

/// The person-naming part of a normalised email's local part, for matching
/// the same person at another domain: a `+tag` dropped, and dots, hyphens
/// and underscores removed (`jane.doe+news@` and `janedoe@` agree). `None`
/// for role addresses (`info@`, `sales@`, ...) and for local parts shorter
/// than five characters, which too many people share.
pub fn email_name(email: &str) -> Option<String> {
    let (local, _) = email.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    let name: String = local
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_'))
        .collect();
    let bare: String = name.chars().filter(|c| !c.is_ascii_digit()).collect();
    (name.chars().count() >= 5 && !ROLE_LOCALS.contains(&bare.as_str())).then_some(name)
}

/// Mail providers where anyone gets an address: two addresses there say
/// nothing about sharing an employer.
const FREE_MAIL: &[&str] = &[
    "aol.com",
    "fastmail.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hey.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "live.com",
    "mac.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "o2.pl",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "web.de",
    "wp.pl",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.fr",
    "yandex.ru",
    "zoho.com",
];

/// Whether a domain is a free mail provider (gmail.com, outlook.com, ...)
/// rather than an organisation's own.
pub fn is_free_mail(domain: &str) -> bool {
    FREE_MAIL.binary_search(&domain).is_ok()
}

/// Whether a normalised email is a role or shared mailbox (`info@`,
/// `sales2@`, ...).
pub fn is_role_email(email: &str) -> bool {
    let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
    let local = local.split('+').next().unwrap_or(local);
    let bare: String = local
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, '.' | '-' | '_'))
        .collect();
    ROLE_LOCALS.contains(&bare.as_str())
}

/// The domain of a normalised email.
pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

/// One character folded to plain lower-case ASCII where it is a common
/// Latin accented letter; `None` when it is not one.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Text folded for comparison: lower-case, common Latin accents folded
/// (`Zoë Łukasiewicz` → `zoe lukasiewicz`), apostrophes and dots removed
/// (`O'Brien` → `obrien`, `S.A.` → `sa`), other punctuation a space,
/// spaces collapsed. A hand-written table of Latin letters rather than
/// full Unicode decomposition: it covers the names and companies CRMs hold
/// and keeps the crate free of Unicode tables; other scripts stay as they
/// are (lower-cased).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().map(half_width).flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            match fold_char(c) {
                Some(f) => out.push_str(f),
                None => out.push(c),
            }
        } else if matches!(c, '\'' | '’' | '.' | '`' | '´') || is_invisible(c) {
            // Inside a word: O'Brien, S.A.; marks nobody sees (a bidi
            // mark pasted from a right-to-left text, a soft hyphen).
        } else {
            space = true;
        }
    }
    out
}

/// A full-width form as Japanese, Chinese and Korean input methods type
/// Latin letters, digits and punctuation (`Ｔａｒｏ`, `０３－１２３４`), and the
/// ideographic space, as the ASCII character it stands for.
pub fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A character that shows nothing: zero-width spaces and joiners,
/// left-to-right and right-to-left marks and embeddings, word joiners, a
/// soft hyphen, a byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

/// Nicknames and the full names they stand for. A nickname may stand for
/// several names (`pat`: patricia, patrick); a name's own spelling always
/// counts too.
const NICKNAMES: &[(&str, &[&str])] = &[
    ("abby", &["abigail"]),
    ("al", &["albert", "alan", "alfred"]),
    ("alex", &["alexander", "alexandra"]),
    ("ally", &["allison", "alexandra"]),
    ("amy", &["amelia"]),
    ("andy", &["andrew"]),
    ("barb", &["barbara"]),
    ("becky", &["rebecca"]),
    ("bella", &["isabella"]),
    ("ben", &["benjamin"]),
    ("beth", &["elizabeth"]),
    ("betty", &["elizabeth"]),
    ("bill", &["william"]),
    ("billy", &["william"]),
    ("bob", &["robert"]),
    ("bobby", &["robert"]),
    ("catherine", &["katherine"]),
    ("cathy", &["katherine"]),
    ("charlie", &["charles"]),
    ("chris", &["christopher", "christine", "christina"]),
    ("chuck", &["charles"]),
    ("cindy", &["cynthia"]),
    ("dan", &["daniel"]),
    ("danny", &["daniel"]),
    ("dave", &["david"]),
    ("deb", &["deborah"]),
    ("debbie", &["deborah"]),
    ("dick", &["richard"]),
    ("don", &["donald"]),
    ("doug", &["douglas"]),
    ("drew", &["andrew"]),
    ("ed", &["edward"]),
    ("eddie", &["edward"]),
    ("eliza", &["elizabeth"]),
    ("fred", &["frederick"]),
    ("greg", &["gregory"]),
    ("hank", &["henry"]),
    ("harry", &["henry"]),
    ("jack", &["john"]),
    ("jamie", &["james"]),
    ("jeff", &["jeffrey"]),
    ("jen", &["jennifer"]),
    ("jenny", &["jennifer"]),
    ("jerry", &["gerald", "jerome"]),
    ("jess", &["jessica"]),
    ("jim", &["james"]),
    ("jimmy", &["james"]),
    ("joe", &["joseph"]),
    ("joey", &["joseph"]),
    ("jon", &["jonathan", "john"]),
    ("josh", &["joshua"]),
    ("kat", &["katherine"]),
    ("kate", &["katherine"]),
    ("kathryn", &["katherine"]),
    ("kathy", &["katherine"]),
    ("katie", &["katherine"]),
    ("ken", &["kenneth"]),
    ("kim", &["kimberly"]),
    ("larry", &["lawrence"]),
    ("liv", &["olivia"]),
    ("liz", &["elizabeth"]),
    ("lizzie", &["elizabeth"]),
    ("maggie", &["margaret"]),
    ("mandy", &["amanda"]),
    ("matt", &["matthew"]),
    ("meg", &["margaret"]),
    ("mick", &["michael"]),
    ("mike", &["michael"]),
    ("mikey", &["michael"]),
    ("nate", &["nathan", "nathaniel"]),
    ("nick", &["nicholas"]),
    ("pat", &["patricia", "patrick"]),
    ("peggy", &["margaret"]),
    ("pete", &["peter"]),
    ("phil", &["phillip", "philip"]),
    ("ray", &["raymond"]),
    ("rich", &["richard"]),
    ("richie", &["richard"]),
    ("rick", &["richard"]),
    ("ricky", &["richard"]),
    ("rob", &["robert"]),
    ("robbie", &["robert"]),
    ("ron", &["ronald"]),
    ("sam", &["samantha", "samuel"]),
    ("sandy", &["sandra"]),
    ("sophie", &["sophia"]),
    ("stephen", &["steven"]),
    ("steve", &["steven", "stephen"]),
    ("sue", &["susan"]),
    ("susie", &["susan"]),
    ("ted", &["edward", "theodore"]),
    ("theo", &["theodore"]),
    ("tim", &["timothy"]),
    ("tom", &["thomas"]),
    ("tommy", &["thomas"]),
    ("tony", &["anthony"]),
    ("val", &["valerie"]),
    ("vic", &["victoria", "victor"]),
    ("vicky", &["victoria"]),
    ("will", &["william"]),
    ("zach", &["zachary"]),
];

/// A first name folded, and the full names it may stand for: its own
/// spelling first, then what the nickname table gives (`bob` → `bob`,
/// `robert`). Two first names agree when their lists share a name.
pub fn first_names(raw: &str) -> Vec<String> {
    let f = fold(raw);
    let mut out = vec![f.clone()];
    if let Ok(i) = NICKNAMES.binary_search_by(|(n, _)| n.cmp(&f.as_str())) {
        out.extend(NICKNAMES[i].1.iter().map(|s| s.to_string()));
    }
    out
}

/// The one name that stands for a first name in blocking keys: the first
/// full name the nickname table gives, else the name itself (`bob` and
/// `robert` both give `robert`).
pub fn first_name_key(raw: &str) -> String {
    let mut names = first_names(raw);
    let key = if names.len() > 1 { 1 } else { 0 };
    names.swap_remove(key)
}

/// Titles before or after a name in its field (`Dr. Thomas`, `Weber,
/// Dr.`, `Prof. Dr. Anna`, `Frau Müller`, `Mme Dubois`): not part of the
/// name, so `dr thomas` and `thomas` are one first name. What is left is
/// never empty (a field holding only `Dr` keeps it).
const TITLES: &[&str] = &[
    "dr", "prof", "mr", "mrs", "ms", "miss", "mx", "herr", "frau", "mme", "mlle", "sra", "srta",
    "dott", "ing", "dipl",
];

/// A folded name without its titles ([`TITLES`]).
pub fn without_titles(folded: &str) -> &str {
    let mut name = folded;
    while let Some((word, rest)) = name.split_once(' ') {
        match TITLES.contains(&word) && !rest.is_empty() {
            true => name = rest,
            false => break,
        }
    }
    while let Some((rest, word)) = name.rsplit_once(' ') {
        match TITLES.contains(&word) && !rest.is_empty() {
            true => name = rest,
            false => break,
        }
    }
    name
}

/// A generational suffix ending a folded name (`Jr.`, `Sr.`, `II`,
/// `III`, `IV`, in the first or the last name field, after a comma or
/// not), as a number (0: none; 1 junior, 2 senior, 3 the second, 4 the
/// third, 5 the fourth), and the name without it (`smith jr` → `smith`,
/// 1). `Jr`, `Jnr`, `Sr` and `Snr` are taken alone too (a last name field
/// holding only `Jr.`); `Junior`, `Senior` and the numerals only after a
/// name, since alone they may be one.
pub fn generational_suffix(folded: &str) -> (&str, u8) {
    let (rest, word) = folded.rsplit_once(' ').unwrap_or(("", folded));
    let after_a_name = !rest.is_empty();
    let code = match word {
        "jr" | "jnr" => 1,
        "sr" | "snr" => 2,
        "junior" if after_a_name => 1,
        "senior" if after_a_name => 2,
        "ii" | "2nd" if after_a_name => 3,
        "iii" | "3rd" if after_a_name => 4,
        "iv" | "4th" if after_a_name => 5,
        _ => 0,
    };
    if code == 0 {
        (folded, 0)
    } else {
        (rest, code)
    }
}

/// Legal-form words dropped from the end of company names (after
/// folding, so `S.A.` is `sa` and `Sp. z o.o.` is `sp z oo`).
const LEGAL_SUFFIXES: &[&[&str]] = &[
    &["inc"],
    &["incorporated"],
    &["llc"],
    &["llp"],
    &["lp"],
    &["ltd"],
    &["limited"],
    &["gmbh"],
    &["mbh"],
    &["ag"],
    &["kg"],
    &["co", "kg"],
    &["corp"],
    &["corporation"],
    &["co"],
    &["company"],
    &["sa"],
    &["sas"],
    &["sarl"],
    &["srl"],
    &["spa"],
    &["bv"],
    &["nv"],
    &["plc"],
    &["pty"],
    &["pte"],
    &["oy"],
    &["ab"],
    &["as"],
    &["aps"],
    &["kk"],
    &["sp", "z", "oo"],
    &["group"],
];

/// A company name compared: folded, `&`/`and` and a leading `the` kept out,
/// and legal forms dropped from the end, repeatedly (`Acme Holdings Co.,
/// Ltd.` → `acme holdings`). A name that is only a legal form stays as it
/// is.
pub fn company(raw: &str) -> String {
    let folded = fold(raw);
    let mut words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && *w != "and")
        .collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    'strip: loop {
        for suffix in LEGAL_SUFFIXES {
            if words.len() > suffix.len() && words.ends_with(suffix) {
                words.truncate(words.len() - suffix.len());
                continue 'strip;
            }
        }
        break;
    }
    words.join(" ")
}

/// A postal code compared: folded, without spaces (`EC1A 1BB` and
/// `ec1a1bb` agree); ZIP+4 cut to its first five digits.
pub fn zip(raw: &str) -> String {
    let raw = raw.trim();
    let b = raw.as_bytes();
    let zip4 = b.len() == 10
        && b[5] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 5 || c.is_ascii_digit());
    let raw = if zip4 { &raw[..5] } else { raw };
    fold(raw).chars().filter(|c| *c != ' ').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Titles around a name are not the name; full-width Latin letters and
    /// digits are the ASCII ones (found on an independent generator's
    /// German and Japanese records).
    #[test]
    fn titles_go_and_full_width_forms_are_ascii() {
        for (raw, want) in [
            ("Dr. Thomas", "thomas"),
            ("Weber, Dr.", "weber"),
            ("Prof. Dr. Anna", "anna"),
            ("Frau Müller", "muller"),
            ("Mme Dubois", "dubois"),
            ("Dr", "dr"),
            ("Drew", "drew"),
            ("Miss", "miss"),
        ] {
            assert_eq!(without_titles(&fold(raw)), want, "{raw}");
        }
        assert_eq!(fold("Ｔａｒｏ　Ｙａｍａｄａ"), "taro yamada");
        let p = crate::dupes::phone::phone("０３－１２３４－５６７８", Some("Japan")).unwrap();
        assert_eq!(p.national.as_ref(), "312345678");
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            email("  Jane.Doe@ACME.com "),
            Some("jane.doe@acme.com".into())
        );
        assert_eq!(email("<bob@x.io>"), Some("bob@x.io".into()));
        assert_eq!(email("mailto:Bob@X.io"), Some("bob@x.io".into()));
        assert_eq!(email("   "), None);
        assert_eq!(email("not an email"), None);
    }

    #[test]
    fn a_tag_is_dropped_at_every_domain_and_dots_only_at_gmail() {
        let c = |e: &str| canonical_email(e.to_string());
        assert_eq!(c("ann+crm@acme.com"), "ann@acme.com");
        assert_eq!(c("bob+news@hotmail.co.uk"), "bob@hotmail.co.uk");
        assert_eq!(c("a.b+x@outlook.com"), "a.b@outlook.com");
        assert_eq!(
            c("Jane.Doe+x@googlemail.com".to_lowercase().as_str()),
            "janedoe@gmail.com"
        );
        assert_eq!(
            c("a.b@acme.com"),
            "a.b@acme.com",
            "dots are a name elsewhere"
        );
        assert_eq!(
            c("+only@acme.com"),
            "+only@acme.com",
            "nothing before the tag"
        );
        assert_eq!(c("no-at-sign"), "no-at-sign");
    }
    #[test]
    fn email_names_ignore_dots_tags_and_roles() {
        assert_eq!(email_name("jane.doe+news@acme.com"), Some("janedoe".into()));
        assert_eq!(email_name("janedoe@gmail.com"), Some("janedoe".into()));
        assert_eq!(email_name("j_doe-77@x.com"), Some("jdoe77".into()));
        assert_eq!(email_name("info@acme.com"), None);
        assert_eq!(email_name("sales2@acme.com"), None);
        assert_eq!(email_name("jd@acme.com"), None, "too short to say who");
        assert!(is_role_email("info@acme.com") && is_role_email("sales-2@acme.com"));
        assert!(!is_role_email("jane@acme.com"));
        assert_eq!(email_domain("jane@acme.com"), "acme.com");
    }

    #[test]
    fn free_mail_domains() {
        assert!(FREE_MAIL.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(is_free_mail("gmail.com") && is_free_mail("proton.me"));
        assert!(!is_free_mail("acme.com"));
    }

    #[test]
    fn folding_lowercases_and_strips_accents() {
        assert_eq!(fold("Zoë Łukasiewicz"), "zoe lukasiewicz");
        assert_eq!(fold("José  MÜLLER"), "jose muller");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Ó Súilleabháin"), "o suilleabhain");
        assert_eq!(fold("Doe-Miller"), "doe miller");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("  "), "");
        assert_eq!(fold("\u{200F}Ma\u{200E}ria\u{00AD}na\u{FEFF}"), "mariana");
        assert_eq!(fold("Anna\u{200B} Lee"), "anna lee");
    }

    #[test]
    fn nickname_table_is_sorted_for_binary_search() {
        assert!(NICKNAMES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn nicknames_give_the_full_names() {
        assert_eq!(first_names("Bob"), ["bob", "robert"]);
        assert_eq!(first_names("Robert"), ["robert"]);
        assert_eq!(first_names("PAT"), ["pat", "patricia", "patrick"]);
        for (nick, full) in [
            ("Bob", "Robert"),
            ("Bill", "William"),
            ("Liz", "Elizabeth"),
            ("Kate", "Katherine"),
            ("Jim", "James"),
            ("Mike", "Michael"),
            ("Dick", "Richard"),
            ("Tony", "Anthony"),
            ("Zoë", "Zoe"),
        ] {
            assert_eq!(first_name_key(nick), first_name_key(full), "{nick}");
        }
        assert_ne!(first_name_key("Bob"), first_name_key("Bill"));
    }

    #[test]
    fn companies_lose_legal_forms() {
        for raw in [
            "Globex",
            "Globex Ltd",
            "Globex Inc.",
            "GLOBEX, LLC",
            "Globex GmbH",
            "Globex Corp",
            "Globex S.A.",
            "The Globex Co., Ltd.",
            "Globex Sp. z o.o.",
        ] {
            assert_eq!(company(raw), "globex", "{raw}");
        }
        assert_eq!(company("Dunder Mifflin Inc."), "dunder mifflin");
        assert_eq!(company("Johnson & Johnson"), "johnson johnson");
        assert_eq!(company("Inc"), "inc", "a name that is only a legal form");
        assert_eq!(company(""), "");
    }

    #[test]
    fn generational_suffixes_leave_the_name() {
        let g = |raw: &str| {
            let f = fold(raw);
            let (name, code) = generational_suffix(&f);
            (name.to_string(), code)
        };
        assert_eq!(g("Miller Jr."), ("miller".into(), 1));
        assert_eq!(g("Miller, Jr"), ("miller".into(), 1));
        assert_eq!(g("Smith Sr."), ("smith".into(), 2));
        assert_eq!(g("Henry Ford II"), ("henry ford".into(), 3));
        assert_eq!(g("Thurston Howell III"), ("thurston howell".into(), 4));
        assert_eq!(g("Doe IV"), ("doe".into(), 5));
        assert_eq!(g("Jr."), ("".into(), 1), "a field of the suffix alone");
        assert_eq!(g("Junior"), ("junior".into(), 0), "a name alone");
        assert_eq!(g("Iv"), ("iv".into(), 0));
        assert_eq!(g("Smith"), ("smith".into(), 0));
        assert_eq!(g("Van Der Berg"), ("van der berg".into(), 0));
        assert_eq!(g(""), ("".into(), 0));
    }

    #[test]
    fn zips_ignore_case_spaces_and_plus_four() {
        assert_eq!(zip("EC1A 1BB"), "ec1a1bb");
        assert_eq!(zip("02110-1234"), "02110");
        assert_eq!(zip("00-001"), "00001");
    }
}
