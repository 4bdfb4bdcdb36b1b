//! What kind of field a column's header names (names, emails, phones,
//! places, dates of birth, id numbers, companies), in English and in the
//! other languages of HubSpot's UI: a hint that [`super::detect`] checks
//! against the column's content.

use super::{detect, FieldKind};

/// The kind of field the header `name` names; [`FieldKind::Text`] when it
/// names none.
pub fn kind_of(name: &str) -> FieldKind {
    kind_of_header(&header_key(name))
}

/// A header as words joined by `_`, lower case: `Given Name`,
/// `given-name` and `given_name` are all `given_name`.
fn header_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    if key.ends_with('_') {
        key.pop();
    }
    key
}

/// The kind of field a header ([`header_key`]) names; [`FieldKind::Text`]
/// when it names none.
fn kind_of_header(key: &str) -> FieldKind {
    let words: Vec<&str> = key.split('_').collect();
    let has = |w: &str| words.contains(&w);
    let last = words.last().copied().unwrap_or("");
    if let Some(kind) = kind_of_foreign_header(key, &words) {
        return kind;
    }
    match key {
        "firstname" | "first_name" | "given_name" | "givenname" | "forename" | "fname" => {
            FieldKind::FirstName
        }
        "lastname" | "last_name" | "surname" | "family_name" | "familyname" | "lname" => {
            FieldKind::LastName
        }
        "city" | "town" | "suburb" | "locality" => FieldKind::City,
        "state" | "region" | "province" | "county" | "state_region" => FieldKind::State,
        // `Mailing City`, `Billing State/Province` (Salesforce's exports).
        _ if matches!(last, "city" | "town" | "suburb" | "locality") => FieldKind::City,
        _ if matches!(last, "state" | "province" | "region" | "county") => FieldKind::State,
        n if detect::is_dob_name(n) => FieldKind::Dob,
        n if detect::is_id_number_name(n) => FieldKind::IdNumber,
        n if n.contains("email") || n.contains("e_mail") => FieldKind::Email,
        n if detect::is_address_name(n) => FieldKind::Address,
        "zip" | "zipcode" | "postalcode" | "postcode" => FieldKind::Zip,
        _ if has("zip") || has("postcode") || (has("postal") && has("code")) => FieldKind::Zip,
        n if n.contains("phone") || has("mobile") || has("cell") || has("tel") => FieldKind::Phone,
        "company" | "associated_company" | "companyname" | "company_name" | "organization"
        | "organisation" | "employer" | "account_name" => FieldKind::Company,
        _ => FieldKind::Text,
    }
}

/// Header words of other languages of HubSpot's UI, by the kind they
/// name, in the order they are tried (a country first: `Land/Region` is
/// no state).
#[rustfmt::skip]
const FOREIGN_WORDS: &[(FieldKind, &[&str])] = &[
    (FieldKind::Text, &["land", "pays", "país", "pais", "paese", "country"]),
    (FieldKind::FirstName, &["vorname", "prénom", "prenom", "voornaam", "primeiro", "nombre_de_pila"]),
    (FieldKind::LastName, &["nachname", "familienname", "achternaam", "apellido", "apellidos", "sobrenome", "cognome"]),
    (FieldKind::Dob, &["geburtsdatum", "naissance", "nacimiento", "nascimento", "geboortedatum", "nascita"]),
    (FieldKind::Zip, &["postleitzahl", "plz", "cep", "postcode"]),
    (FieldKind::City, &["stadt", "ort", "ville", "ciudad", "cidade", "plaats", "woonplaats", "città", "citta"]),
    (FieldKind::State, &["bundesland", "état", "etat", "provincia", "provincie", "região", "regione"]),
    (FieldKind::Phone, &[
        "telefon", "telefonnummer", "mobiltelefon", "mobiltelefonnummer", "handy", "téléphone", "telephone",
        "portable", "teléfono", "telefono", "móvil", "movil", "telefone", "celular", "telefoonnummer",
        "mobiel", "cellulare",
    ]),
    (FieldKind::Address, &[
        "straße", "strasse", "hausnummer", "rue", "dirección", "direccion", "endereço", "endereco", "straat",
        "indirizzo",
    ]),
    (FieldKind::Company, &[
        "firma", "firmenname", "unternehmen", "unternehmensname", "entreprise", "société", "societe", "empresa",
        "bedrijf", "bedrijfsnaam", "azienda",
    ]),
];

/// Whole headers of other languages whose one word would say too little
/// alone (`nom`, French for the last name, is a part of many words).
#[rustfmt::skip]
const FOREIGN_HEADERS: &[(FieldKind, &[&str])] = &[
    (FieldKind::LastName, &["nom", "nom_de_famille"]),
    (FieldKind::FirstName, &["nombre", "nome"]),
    (FieldKind::Zip, &["cap"]),
    (FieldKind::State, &["estado", "estado_región", "estado_region"]),
    (FieldKind::Address, &["adresse", "adres"]),
];

/// The kind a header in another language of HubSpot's UI names (German,
/// French, Spanish, Portuguese, Dutch, Italian): an export whose user
/// works in that language has its headers in it, and without the
/// portal's definitions (`--properties`) nothing maps them. Words of the
/// header ([`header_key`]), or the whole of it.
fn kind_of_foreign_header(key: &str, words: &[&str]) -> Option<FieldKind> {
    let by_word = FOREIGN_WORDS
        .iter()
        .find(|(_, list)| list.iter().any(|w| words.contains(w)));
    let by_key = || FOREIGN_HEADERS.iter().find(|(_, list)| list.contains(&key));
    by_word.or_else(by_key).map(|(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use super::super::Field;
    use super::*;

    /// Headers of exports made in another language of HubSpot's UI name
    /// their kinds (a German export's names, phones and places were not
    /// compared, and "Land/Region" was taken for a state); a country is
    /// never a state, a postal address no postal code.
    #[test]
    fn headers_in_other_languages_name_their_kinds() {
        use FieldKind::*;
        for (header, kind) in [
            ("Vorname", FirstName),
            ("Nachname", LastName),
            ("Telefonnummer", Phone),
            ("Mobiltelefonnummer", Phone),
            ("Stadt", City),
            ("Postleitzahl", Zip),
            ("Bundesland/Region", State),
            ("Land/Region", Text),
            ("Straße und Hausnummer", Address),
            ("Firmenname", Company),
            ("Geburtsdatum", Dob),
            ("Prénom", FirstName),
            ("Nom", LastName),
            ("Ville", City),
            ("Code postal", Zip),
            ("Pays/Région", Text),
            ("Numéro de téléphone", Phone),
            ("Nombre", FirstName),
            ("Apellidos", LastName),
            ("Ciudad", City),
            ("Estado/Región", State),
            ("Estado civil", Text),
            ("Teléfono", Phone),
            ("Voornaam", FirstName),
            ("Achternaam", LastName),
            ("Nome", FirstName),
            ("Cognome", LastName),
            ("Postal Address", Address),
            ("Country/Region", Text),
        ] {
            assert_eq!(Field::new(header).kind, kind, "{header}");
        }
    }
}
