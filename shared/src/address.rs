//! Postal addresses with structure. Bills, notices, postal presort, the Intelligent Mail
//! barcode and the county's tax roll need an address's parts, not one string: house number,
//! directionals, street, suffix, unit, city, state, ZIP and ZIP+4, or a free-form foreign
//! mailing address. [`Address::parse`] reads the one-line (or two-line) form that legacy
//! systems and people type; [`Address::one_line`] is the one display form everything shows.
//!
//! Suffixes, directionals and unit designators are written the USPS way (Publication 28:
//! `Street` -> `St`, `North` -> `N`, `Apartment` -> `Apt`), so the same address typed two ways
//! is stored one way.

use serde::{Deserialize, Serialize};

/// A US address in parts, or a foreign one as free text (`foreign`, with every US part empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Address {
    /// `412`, `1208 1/2`, `N6W23001`; empty for a PO box or a rural route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// `N`, `S`, `E`, `W`, `NE`, `NW`, `SE`, `SW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_direction: Option<String>,
    /// The street's name (`Alder`, `Martin Luther King Jr`), or `PO Box 7781`, `RR 2 Box 15`.
    #[serde(default)]
    pub street: String,
    /// USPS suffix abbreviation: `St`, `Ave`, `Rd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_direction: Option<String>,
    /// Designator and number: `Apt 4B`, `Ste 200`, `# 12`, `Lot 7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Two-letter USPS state code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Five digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// The four digits after the hyphen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip4: Option<String>,
    /// A mailing address outside the United States, as the customer writes it (lines joined
    /// with newlines). When present, the US parts are empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign: Option<String>,
}

/// Why a text is not an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    /// Nothing but blanks.
    Empty,
    /// No street: only a city, state or ZIP.
    NoStreet,
    /// A ZIP code that is not five digits (with an optional four after a hyphen), or a ZIP+4
    /// that is not four digits (or is given without a ZIP).
    BadZip,
    /// Not a two-letter USPS state code (or a state's name).
    BadState,
    /// A direction that is not `N`, `S`, `E`, `W`, `NE`, `NW`, `SE`, `SW` (or spelled out).
    BadDirection,
    /// A part longer than its limit (see [`Address::normalized`]), or a text too short or too
    /// long to be an address.
    Length,
    /// A foreign address where only a US one is allowed (a service address), or given
    /// together with US parts.
    Foreign,
}

impl AddressError {
    /// The stable field code the API reports.
    pub fn code(self) -> crate::FieldCode {
        match self {
            AddressError::Empty => crate::FieldCode::Required,
            AddressError::NoStreet => crate::FieldCode::AddressStreet,
            AddressError::BadZip => crate::FieldCode::AddressZip,
            AddressError::BadState => crate::FieldCode::AddressState,
            AddressError::BadDirection => crate::FieldCode::OneOf,
            AddressError::Length => crate::FieldCode::Length,
            AddressError::Foreign => crate::FieldCode::AddressForeign,
        }
    }
}

const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP",
];

const STATE_NAMES: &[(&str, &str)] = &[
    ("OREGON", "OR"),
    ("WASHINGTON", "WA"),
    ("CALIFORNIA", "CA"),
    ("IDAHO", "ID"),
    ("NEVADA", "NV"),
    ("ARIZONA", "AZ"),
    ("TEXAS", "TX"),
];

/// Countries whose name ends a foreign mailing address.
const COUNTRIES: &[&str] = &[
    "CANADA",
    "MEXICO",
    "MÉXICO",
    "UNITED KINGDOM",
    "UK",
    "GERMANY",
    "FRANCE",
    "SPAIN",
    "ESPAÑA",
    "JAPAN",
    "AUSTRALIA",
    "PHILIPPINES",
    "GUATEMALA",
    "EL SALVADOR",
    "HONDURAS",
    "COLOMBIA",
    "PERU",
    "PERÚ",
    "CHINA",
    "INDIA",
    "KOREA",
    "VIETNAM",
    "ITALY",
    "NETHERLANDS",
    "IRELAND",
    "NEW ZEALAND",
];

const DIRECTIONS: &[(&str, &str)] = &[
    ("N", "N"),
    ("S", "S"),
    ("E", "E"),
    ("W", "W"),
    ("NE", "NE"),
    ("NW", "NW"),
    ("SE", "SE"),
    ("SW", "SW"),
    ("NORTH", "N"),
    ("SOUTH", "S"),
    ("EAST", "E"),
    ("WEST", "W"),
    ("NORTHEAST", "NE"),
    ("NORTHWEST", "NW"),
    ("SOUTHEAST", "SE"),
    ("SOUTHWEST", "SW"),
];

/// Street suffixes (spelled out and common abbreviations) and their USPS abbreviation.
const SUFFIXES: &[(&str, &str)] = &[
    ("ALLEY", "Aly"),
    ("ALY", "Aly"),
    ("AVENUE", "Ave"),
    ("AVE", "Ave"),
    ("AV", "Ave"),
    ("BEND", "Bnd"),
    ("BND", "Bnd"),
    ("BOULEVARD", "Blvd"),
    ("BLVD", "Blvd"),
    ("CENTER", "Ctr"),
    ("CTR", "Ctr"),
    ("CIRCLE", "Cir"),
    ("CIR", "Cir"),
    ("COMMONS", "Cmns"),
    ("CMNS", "Cmns"),
    ("COURT", "Ct"),
    ("CT", "Ct"),
    ("COVE", "Cv"),
    ("CV", "Cv"),
    ("CREEK", "Crk"),
    ("CRK", "Crk"),
    ("CRESCENT", "Cres"),
    ("CRES", "Cres"),
    ("CROSSING", "Xing"),
    ("XING", "Xing"),
    ("DRIVE", "Dr"),
    ("DR", "Dr"),
    ("ESTATES", "Ests"),
    ("ESTS", "Ests"),
    ("EXPRESSWAY", "Expy"),
    ("EXPY", "Expy"),
    ("FREEWAY", "Fwy"),
    ("FWY", "Fwy"),
    ("GARDENS", "Gdns"),
    ("GDNS", "Gdns"),
    ("GLEN", "Gln"),
    ("GLN", "Gln"),
    ("GROVE", "Grv"),
    ("GRV", "Grv"),
    ("HEIGHTS", "Hts"),
    ("HTS", "Hts"),
    ("HIGHWAY", "Hwy"),
    ("HWY", "Hwy"),
    ("HILL", "Hl"),
    ("HL", "Hl"),
    ("HOLLOW", "Holw"),
    ("HOLW", "Holw"),
    ("JUNCTION", "Jct"),
    ("JCT", "Jct"),
    ("LANDING", "Lndg"),
    ("LNDG", "Lndg"),
    ("LANE", "Ln"),
    ("LN", "Ln"),
    ("LOOP", "Loop"),
    ("MANOR", "Mnr"),
    ("MNR", "Mnr"),
    ("MEADOW", "Mdw"),
    ("MDW", "Mdw"),
    ("MEADOWS", "Mdws"),
    ("MDWS", "Mdws"),
    ("ORCHARD", "Orch"),
    ("ORCH", "Orch"),
    ("PARK", "Park"),
    ("PARKWAY", "Pkwy"),
    ("PKWY", "Pkwy"),
    ("PASS", "Pass"),
    ("PATH", "Path"),
    ("PIKE", "Pike"),
    ("PLACE", "Pl"),
    ("PL", "Pl"),
    ("PLAZA", "Plz"),
    ("PLZ", "Plz"),
    ("POINT", "Pt"),
    ("PT", "Pt"),
    ("RANCH", "Rnch"),
    ("RNCH", "Rnch"),
    ("RIDGE", "Rdg"),
    ("RDG", "Rdg"),
    ("ROAD", "Rd"),
    ("RD", "Rd"),
    ("ROW", "Row"),
    ("RUN", "Run"),
    ("SQUARE", "Sq"),
    ("SQ", "Sq"),
    ("STATION", "Sta"),
    ("STA", "Sta"),
    ("STREET", "St"),
    ("ST", "St"),
    ("TERRACE", "Ter"),
    ("TER", "Ter"),
    ("TRAIL", "Trl"),
    ("TRL", "Trl"),
    ("TURNPIKE", "Tpke"),
    ("TPKE", "Tpke"),
    ("VALLEY", "Vly"),
    ("VLY", "Vly"),
    ("VIEW", "Vw"),
    ("VW", "Vw"),
    ("VILLAGE", "Vlg"),
    ("VLG", "Vlg"),
    ("VISTA", "Vis"),
    ("VIS", "Vis"),
    ("WALK", "Walk"),
    ("WAY", "Way"),
];

/// Secondary unit designators and their USPS abbreviation.
const UNITS: &[(&str, &str)] = &[
    ("APARTMENT", "Apt"),
    ("APT", "Apt"),
    ("BUILDING", "Bldg"),
    ("BLDG", "Bldg"),
    ("DEPARTMENT", "Dept"),
    ("DEPT", "Dept"),
    ("FLOOR", "Fl"),
    ("FL", "Fl"),
    ("LOT", "Lot"),
    ("ROOM", "Rm"),
    ("RM", "Rm"),
    ("SPACE", "Spc"),
    ("SPC", "Spc"),
    ("SUITE", "Ste"),
    ("STE", "Ste"),
    ("TRAILER", "Trlr"),
    ("TRLR", "Trlr"),
    ("UNIT", "Unit"),
    ("#", "#"),
];

fn lookup(table: &[(&str, &'static str)], word: &str) -> Option<&'static str> {
    let w = word.replace('.', "").to_uppercase();
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

fn is_zip(t: &str) -> bool {
    t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit())
}

/// `97351` or `97351-1234` (or `973511234`): the ZIP and the ZIP+4.
fn parse_zip(t: &str) -> Option<(String, Option<String>)> {
    if is_zip(t) {
        return Some((t.to_owned(), None));
    }
    if let Some((five, four)) = t.split_once('-') {
        if is_zip(five) && four.len() == 4 && four.bytes().all(|b| b.is_ascii_digit()) {
            return Some((five.to_owned(), Some(four.to_owned())));
        }
    }
    if t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some((t[..5].to_owned(), Some(t[5..].to_owned())));
    }
    None
}

fn looks_like_zip(t: &str) -> bool {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    digits >= 4 && t.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

fn state_code(t: &str) -> Option<&'static str> {
    let u = t.trim_end_matches('.').replace('.', "").to_uppercase();
    STATES
        .iter()
        .find(|s| **s == u)
        .copied()
        .or_else(|| STATE_NAMES.iter().find(|(n, _)| *n == u).map(|(_, c)| *c))
}

fn is_house_number(t: &str) -> bool {
    let first = t.chars().next();
    // `412`, `12B`, `123-45`, and Wisconsin/Utah grid numbers such as `N6W23001`.
    first.is_some_and(|c| c.is_ascii_digit())
        || (t.len() > 3
            && t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_alphanumeric())
            && matches!(first, Some('N' | 'S' | 'E' | 'W')))
}

fn is_fraction(t: &str) -> bool {
    t.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    })
}

/// Words of a name in title case, except words already in mixed case (`McKay`) or with
/// digits (`5th`).
fn tidy(word: &str) -> String {
    let mixed = word.chars().any(char::is_lowercase) && word.chars().any(char::is_uppercase);
    if mixed || word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, '-' | '\'' | '’');
    }
    out
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Address {
    /// A foreign mailing address, kept as written.
    pub fn foreign(text: &str) -> Address {
        let lines: Vec<&str> = text
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        Address {
            foreign: Some(lines.join("\n")),
            ..Address::default()
        }
    }

    /// Reads an address written on one line (`412 Alder St Apt 4, Riverbend OR 97351-1234`)
    /// or on two (`412 Alder St\nRiverbend OR 97351`). City, state and ZIP may be missing (a
    /// service address inside the city). A text ending in a country's name is kept as a
    /// foreign address.
    pub fn parse(text: &str) -> Result<Address, AddressError> {
        let flat: String = text
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        if flat.trim().is_empty() {
            return Err(AddressError::Empty);
        }
        let last_segment = flat.rsplit(',').next().unwrap_or("").trim().to_uppercase();
        if COUNTRIES.contains(&last_segment.as_str()) {
            return Ok(Address::foreign(text));
        }
        let last_segment = last_segment.trim_end_matches('.');
        let flat = if matches!(
            last_segment,
            "USA" | "US" | "UNITED STATES" | "U.S.A" | "U.S"
        ) {
            flat.rsplit_once(',')
                .map(|(a, _)| a.to_owned())
                .unwrap_or_default()
        } else {
            flat
        };

        // Tokens, with a marker where a comma separated them.
        let mut tokens: Vec<(String, bool)> = Vec::new(); // (token, comma before it)
        for (i, seg) in flat.split(',').enumerate() {
            for (j, t) in seg.split_whitespace().enumerate() {
                tokens.push((t.to_owned(), i > 0 && j == 0));
            }
        }
        if tokens.is_empty() {
            return Err(AddressError::Empty);
        }
        let mut a = Address::default();
        let mut end = tokens.len();

        // ZIP, then state, then city, from the end.
        if let Some((t, _)) = tokens.get(end - 1) {
            if let Some((zip, zip4)) = parse_zip(t) {
                a.zip = Some(zip);
                a.zip4 = zip4;
                end -= 1;
            } else if looks_like_zip(t) && end > 1 && state_code(&tokens[end - 2].0).is_some() {
                return Err(AddressError::BadZip);
            }
        }
        if end > 1 {
            if let Some(code) = state_code(&tokens[end - 1].0) {
                // A two-letter word after a street is a state only when something precedes it
                // that can be a city; `412 Alder St` keeps its `St`.
                let prev_is_suffix = lookup(SUFFIXES, &tokens[end - 2].0).is_some();
                if a.zip.is_some() || tokens[end - 1].1 || !prev_is_suffix {
                    a.state = Some(code.to_owned());
                    end -= 1;
                }
            }
        }
        if a.state.is_some() || a.zip.is_some() {
            let comma_at = (0..end).rev().find(|&i| tokens[i].1);
            let city_start = match comma_at {
                // `..., Riverbend OR`: the city is the last comma-separated part.
                Some(i) => i,
                // No comma: the city is what follows the street.
                None => street_end(&tokens[..end]),
            };
            if city_start < end {
                let city: Vec<String> = tokens[city_start..end]
                    .iter()
                    .map(|(t, _)| tidy(t))
                    .collect();
                a.city = non_empty(city.join(" "));
                end = city_start;
            }
        } else if let Some(i) = (1..end).rev().find(|&i| tokens[i].1) {
            // No state or ZIP, but a last part after a comma (`12 Elm St, Keizer`): the city,
            // unless it is a unit (`412 Alder St, Apt 4`) or starts with a number.
            let first = tokens[i].0.as_str();
            let is_unit = lookup(UNITS, first).is_some() || first.starts_with('#');
            let numeric = first.starts_with(|c: char| c.is_ascii_digit());
            if !is_unit && !numeric {
                let city: Vec<String> = tokens[i..end].iter().map(|(t, _)| tidy(t)).collect();
                a.city = non_empty(city.join(" "));
                end = i;
            }
        } else {
            // Neither state, ZIP nor comma: words after the street's suffix (and its
            // post-direction or unit) that can only be a name are the city (`14 Elm St Keizer`).
            let e = street_end(&tokens[..end]);
            let has_suffix = (1..e).any(|k| lookup(SUFFIXES, &tokens[k].0).is_some());
            let city_like = |t: &str| {
                t.chars().count() >= 3
                    && t.chars()
                        .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
                    && lookup(SUFFIXES, t).is_none()
                    && lookup(DIRECTIONS, t).is_none()
                    && lookup(UNITS, t).is_none()
            };
            if has_suffix
                && e < end
                && end - e <= 3
                && tokens[e..end].iter().all(|(t, _)| city_like(t))
            {
                let city: Vec<String> = tokens[e..end].iter().map(|(t, _)| tidy(t)).collect();
                a.city = non_empty(city.join(" "));
                end = e;
            }
        }
        let street: Vec<String> = tokens[..end].iter().map(|(t, _)| t.clone()).collect();
        if street.is_empty() {
            return Err(AddressError::NoStreet);
        }
        a.set_street_line(&street);
        if a.street.is_empty() && a.house_number.is_none() {
            return Err(AddressError::NoStreet);
        }
        Ok(a)
    }

    fn set_street_line(&mut self, words: &[String]) {
        let upper: Vec<String> = words
            .iter()
            .map(|w| w.trim_end_matches('.').to_uppercase().replace('.', ""))
            .collect();
        // PO boxes.
        let po = match upper.as_slice() {
            [p, o, b, n, ..] if p == "P" && o == "O" && b == "BOX" => Some((3, n)),
            [po, b, n, ..] if po == "PO" && b == "BOX" => Some((2, n)),
            [po, n, ..] if po == "POBOX" => Some((1, n)),
            [p, o, b, n, ..] if p == "POST" && o == "OFFICE" && b == "BOX" => Some((3, n)),
            _ => None,
        };
        if let Some((at, n)) = po {
            self.street = format!("PO Box {n}");
            self.set_unit(&words[at + 1..]);
            return;
        }
        // Rural routes and highway contract routes: `RR 2 Box 15`.
        let route = match upper.as_slice() {
            [r, n, ..] if matches!(r.as_str(), "RR" | "RT" | "RTE") => Some(("RR", 1, n)),
            [r, rt, n, ..] if r == "RURAL" && matches!(rt.as_str(), "ROUTE" | "RT" | "RTE") => {
                Some(("RR", 2, n))
            }
            [h, n, ..] if h == "HC" => Some(("HC", 1, n)),
            [h, c, n, ..] if h == "HIGHWAY" && c == "CONTRACT" => Some(("HC", 2, n)),
            _ => None,
        };
        if let Some((kind, at, n)) = route {
            if n.bytes().all(|b| b.is_ascii_digit()) {
                let mut street = format!("{kind} {n}");
                let rest = &upper[at + 1..];
                if let [b, m, ..] = rest {
                    if b == "BOX" {
                        street.push_str(&format!(" Box {m}"));
                    }
                }
                self.street = street;
                return;
            }
        }

        let mut i = 0;
        let mut end = words.len();
        if words.len() > 1 && is_house_number(&words[0]) {
            let mut number = words[0].clone();
            i = 1;
            if words.get(1).is_some_and(|w| is_fraction(w)) && words.len() > 2 {
                number.push(' ');
                number.push_str(&words[1]);
                i = 2;
            }
            self.house_number = Some(number);
        }
        // The unit: from the first designator after the street's first word.
        if let Some(u) = (i + 1..end).find(|&k| {
            lookup(UNITS, &words[k]).is_some() || (words[k].starts_with('#') && words[k].len() > 1)
        }) {
            self.set_unit(&words[u..end]);
            end = u;
        }
        let mut name: Vec<&String> = words[i..end].iter().collect();
        if name.len() > 1 {
            if let Some(d) = name.last().and_then(|w| lookup(DIRECTIONS, w)) {
                // `Rd N`: a trailing direction after a suffix (or after a name of two words).
                let before_is_suffix = lookup(SUFFIXES, name[name.len() - 2]).is_some();
                if before_is_suffix || name.len() > 2 {
                    self.post_direction = Some(d.to_owned());
                    name.pop();
                }
            }
        }
        if name.len() > 1 {
            if let Some(s) = name.last().and_then(|w| lookup(SUFFIXES, w)) {
                self.suffix = Some(s.to_owned());
                name.pop();
            }
        }
        if name.len() > 1 {
            if let Some(d) = lookup(DIRECTIONS, name[0]) {
                self.pre_direction = Some(d.to_owned());
                name.remove(0);
            }
        }
        self.street = name.iter().map(|w| tidy(w)).collect::<Vec<_>>().join(" ");
    }

    fn set_unit(&mut self, words: &[String]) {
        let Some(first) = words.first() else { return };
        let rest: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let unit = if let Some(d) = lookup(UNITS, first) {
            if rest.is_empty() {
                d.to_owned()
            } else {
                format!("{d} {}", rest.join(" ").to_uppercase())
            }
        } else if let Some(n) = first.strip_prefix('#') {
            let mut parts = vec![n.to_uppercase()];
            parts.extend(rest.iter().map(|s| s.to_uppercase()));
            format!("# {}", parts.join(" ").trim())
        } else {
            words.join(" ")
        };
        self.unit = non_empty(unit);
    }

    /// The delivery line: `412 N Alder St Apt 4`, `PO Box 7781`.
    pub fn street_line(&self) -> String {
        [
            self.house_number.as_deref(),
            self.pre_direction.as_deref(),
            Some(self.street.as_str()).filter(|s| !s.is_empty()),
            self.suffix.as_deref(),
            self.post_direction.as_deref(),
            self.unit.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// The last line: `Riverbend OR 97351-1234` (what of it is known).
    pub fn city_line(&self) -> String {
        let zip = match (&self.zip, &self.zip4) {
            (Some(z), Some(f)) => Some(format!("{z}-{f}")),
            (Some(z), None) => Some(z.clone()),
            _ => None,
        };
        [self.city.clone(), self.state.clone(), zip]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The lines printed on an envelope.
    pub fn lines(&self) -> Vec<String> {
        if let Some(f) = &self.foreign {
            return f.lines().map(str::to_owned).collect();
        }
        [self.street_line(), self.city_line()]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The one display form: `412 Alder St Apt 4, Riverbend OR 97351`.
    pub fn one_line(&self) -> String {
        self.lines().join(", ")
    }

    pub fn is_foreign(&self) -> bool {
        self.foreign.is_some()
    }

    /// An address from a form's fields. The street field may hold directions and a suffix
    /// (`N Alder St`, read into their parts), a PO box or a rural route; the unit field a
    /// designator (`apartment 4` -> `Apt 4`); the ZIP field a ZIP+4 (`97351-1234`). What does
    /// not read is kept as typed, for [`Address::normalized`] to judge.
    pub fn from_form(
        house_number: &str,
        street: &str,
        unit: &str,
        city: &str,
        state: &str,
        zip: &str,
    ) -> Address {
        let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_owned).collect() };
        let house = words(house_number);
        let street_words = words(street);
        let mut a = Address::default();
        if !street_words.is_empty() {
            let mut all = house.clone();
            all.extend(street_words.iter().cloned());
            a.set_street_line(&all);
            let house_read = a.house_number.clone().unwrap_or_default();
            if house_read != house.join(" ") {
                // The street began with what reads as a number (`5th Ave` with no house
                // number): keep the fields as typed.
                a = Address {
                    house_number: non_empty(house.join(" ")),
                    street: street_words.join(" "),
                    ..Address::default()
                };
            }
        } else {
            a.house_number = non_empty(house.join(" "));
        }
        let unit_words = words(unit);
        if !unit_words.is_empty() {
            a.set_unit(&unit_words);
        }
        a.city = non_empty(city.to_owned());
        a.state = non_empty(state.to_owned());
        let zip = zip.trim();
        match parse_zip(zip) {
            Some((z, four)) => {
                a.zip = Some(z);
                a.zip4 = four;
            }
            None => a.zip = non_empty(zip.to_owned()),
        }
        a
    }

    /// True when no part holds anything.
    pub fn is_empty(&self) -> bool {
        *self == Address::default()
    }

    /// Checks and tidies an address given in parts (or read by [`Address::parse`]): blanks
    /// become `None`, the state, directions and a known suffix take their USPS form. The
    /// error names the part at fault (`street`, `zip`, ...) and why. Limits, in characters:
    /// house number 20, directions and suffix 10, street 100, unit 30, city 60, a foreign
    /// address 400. City, state and ZIP are optional (a service address inside the city).
    pub fn normalized(&self) -> Result<Address, (&'static str, AddressError)> {
        fn part(
            name: &'static str,
            v: Option<&str>,
            max: usize,
        ) -> Result<Option<String>, (&'static str, AddressError)> {
            let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            if t.chars().count() > max {
                return Err((name, AddressError::Length));
            }
            Ok(Some(t.split_whitespace().collect::<Vec<_>>().join(" ")))
        }
        let direction = |name: &'static str, v: &Option<String>| {
            part(name, v.as_deref(), 10)?
                .map(|d| lookup(DIRECTIONS, &d).ok_or((name, AddressError::BadDirection)))
                .transpose()
                .map(|d| d.map(str::to_owned))
        };
        let us_parts = [
            &self.house_number,
            &self.pre_direction,
            &self.suffix,
            &self.post_direction,
            &self.unit,
            &self.city,
            &self.state,
            &self.zip,
            &self.zip4,
        ];
        if let Some(f) = self.foreign.as_deref().filter(|f| !f.trim().is_empty()) {
            if f.chars().count() > 400 {
                return Err(("foreign", AddressError::Length));
            }
            let has_us = !self.street.trim().is_empty()
                || us_parts
                    .iter()
                    .any(|p| p.as_deref().is_some_and(|t| !t.trim().is_empty()));
            if has_us {
                return Err(("foreign", AddressError::Foreign));
            }
            return Ok(Address::foreign(f));
        }
        let street =
            part("street", Some(&self.street), 100)?.ok_or(("street", AddressError::NoStreet))?;
        let state = part("state", self.state.as_deref(), 20)?
            .map(|s| state_code(&s).ok_or(("state", AddressError::BadState)))
            .transpose()?
            .map(str::to_owned);
        let zip = part("zip", self.zip.as_deref(), 10)?;
        if zip.as_deref().is_some_and(|z| !is_zip(z)) {
            return Err(("zip", AddressError::BadZip));
        }
        let zip4 = part("zip4", self.zip4.as_deref(), 10)?;
        if let Some(f) = &zip4 {
            if zip.is_none() || f.len() != 4 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(("zip4", AddressError::BadZip));
            }
        }
        let suffix = part("suffix", self.suffix.as_deref(), 10)?
            .map(|s| lookup(SUFFIXES, &s).map_or(s, str::to_owned));
        Ok(Address {
            house_number: part("house_number", self.house_number.as_deref(), 20)?,
            pre_direction: direction("pre_direction", &self.pre_direction)?,
            street,
            suffix,
            post_direction: direction("post_direction", &self.post_direction)?,
            unit: part("unit", self.unit.as_deref(), 30)?,
            city: part("city", self.city.as_deref(), 60)?,
            state,
            zip,
            zip4,
            foreign: None,
        })
    }
}

/// Where the street ends in `tokens` written without a comma before the city: after the
/// first suffix that follows a name word (or a run of suffixes, `Mill Creek Rd`), then a
/// post-direction and a unit if present. With no suffix, the city is the last word; with a
/// single word, it is the city.
fn street_end(tokens: &[(String, bool)]) -> usize {
    let n = tokens.len();
    if n <= 1 {
        return 0;
    }
    let word = |i: usize| tokens[i].0.as_str();
    let mut i = 0;
    if is_house_number(word(0)) {
        i = 1;
        if i < n && is_fraction(word(i)) {
            i += 1;
        }
    }
    let first_name_word = i;
    let Some(mut k) = (first_name_word + 1..n).find(|&k| lookup(SUFFIXES, word(k)).is_some())
    else {
        return n - 1;
    };
    while k + 2 < n && lookup(SUFFIXES, word(k + 1)).is_some() {
        k += 1;
    }
    let mut end = k + 1;
    if end + 1 < n && lookup(DIRECTIONS, word(end)).is_some() {
        end += 1;
    }
    if end < n && lookup(UNITS, word(end)).is_some() {
        end = (end + 2).min(n);
    } else if end < n && word(end).starts_with('#') {
        end += if word(end).len() > 1 { 1 } else { 2 };
        end = end.min(n);
    }
    end
}

/// Where an address given in a request is at fault: the field (`mailing_address`, or a part
/// such as `mailing_address_parts.zip`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressFieldError {
    pub field: String,
    pub error: AddressError,
}

/// An address as a request gives it: in parts (`parts`, which wins when given) or as text
/// (one line, or lines separated by newlines), read with [`Address::parse`]; either way
/// checked and tidied by [`Address::normalized`]. `text_field` and `parts_field` name the two
/// fields in errors; the text must have 5 to `max_text` characters. A foreign address is
/// refused unless `foreign_allowed` (a mailing address may be foreign, a service address not).
pub fn resolve(
    text_field: &str,
    parts_field: &str,
    text: &str,
    parts: Option<&Address>,
    max_text: usize,
    foreign_allowed: bool,
) -> Result<Address, AddressFieldError> {
    let (address, field_of) = match parts {
        Some(p) => {
            let a = p.normalized().map_err(|(part, error)| AddressFieldError {
                field: format!("{parts_field}.{part}"),
                error,
            })?;
            (a, parts_field)
        }
        None => {
            let at = |error| AddressFieldError {
                field: text_field.to_owned(),
                error,
            };
            let n = text.trim().chars().count();
            if n == 0 {
                return Err(at(AddressError::Empty));
            }
            if n < 5 || n > max_text {
                return Err(at(AddressError::Length));
            }
            let a = Address::parse(text)
                .and_then(|a| a.normalized().map_err(|(_, e)| e))
                .map_err(at)?;
            (a, text_field)
        }
    };
    if address.is_foreign() && !foreign_allowed {
        let field = if parts.is_some() {
            format!("{field_of}.foreign")
        } else {
            field_of.to_owned()
        };
        return Err(AddressFieldError {
            field,
            error: AddressError::Foreign,
        });
    }
    Ok(address)
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.one_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Address {
        match Address::parse(s) {
            Ok(a) => a,
            Err(e) => panic!("{s:?}: {e:?}"),
        }
    }

    fn parts(a: &Address) -> [Option<&str>; 10] {
        [
            a.house_number.as_deref(),
            a.pre_direction.as_deref(),
            Some(a.street.as_str()),
            a.suffix.as_deref(),
            a.post_direction.as_deref(),
            a.unit.as_deref(),
            a.city.as_deref(),
            a.state.as_deref(),
            a.zip.as_deref(),
            a.zip4.as_deref(),
        ]
    }

    #[test]
    fn the_demo_citys_forms() {
        let a = p("4455 Wheatland Rd N, Keizer OR 97303");
        assert_eq!(
            parts(&a),
            [
                Some("4455"),
                None,
                Some("Wheatland"),
                Some("Rd"),
                Some("N"),
                None,
                Some("Keizer"),
                Some("OR"),
                Some("97303"),
                None
            ]
        );
        assert_eq!(a.one_line(), "4455 Wheatland Rd N, Keizer OR 97303");
        // The sample import's two-line mailing address and its one-line service address.
        let two = p("412 Alder St\nRiverbend OR 97351");
        let one = p("412 Alder St Riverbend OR 97351");
        assert_eq!(two, one);
        assert_eq!(one.city.as_deref(), Some("Riverbend"));
        assert_eq!(one.street_line(), "412 Alder St");
    }

    #[test]
    fn suffixes_and_directions_are_written_the_usps_way() {
        let a = p("1200 north cherry avenue, salem, oregon 97301");
        assert_eq!(a.street_line(), "1200 N Cherry Ave");
        assert_eq!(a.city_line(), "Salem OR 97301");
        assert_eq!(p("88 SE Oak Street").street_line(), "88 SE Oak St");
        assert_eq!(p("88 S.E. Oak St.").street_line(), "88 SE Oak St");
    }

    #[test]
    fn units_in_every_spelling() {
        assert_eq!(
            p("412 Alder St Apt 4B, Riverbend OR 97351").unit.as_deref(),
            Some("Apt 4B")
        );
        assert_eq!(
            p("412 Alder St, Apartment 4, Riverbend OR 97351")
                .unit
                .as_deref(),
            Some("Apt 4")
        );
        assert_eq!(
            p("500 Center St NE #210 Salem OR 97301").unit.as_deref(),
            Some("# 210")
        );
        assert_eq!(
            p("500 Center St NE # 210, Salem OR 97301").unit.as_deref(),
            Some("# 210")
        );
        let a = p("9000 River Rd Suite 200, Keizer OR 97303");
        assert_eq!(a.unit.as_deref(), Some("Ste 200"));
        assert_eq!(a.city.as_deref(), Some("Keizer"));
        assert_eq!(p("77 Pine Ln Lot 7").unit.as_deref(), Some("Lot 7"));
        assert_eq!(
            p("500 Center St NE #210 Salem OR 97301")
                .post_direction
                .as_deref(),
            Some("NE")
        );
    }

    #[test]
    fn fractions_and_grid_numbers() {
        let a = p("1208 1/2 Main St, Lyons OR 97358");
        assert_eq!(a.house_number.as_deref(), Some("1208 1/2"));
        assert_eq!(a.street, "Main");
        assert_eq!(
            p("N6W23001 Bluemound Rd").house_number.as_deref(),
            Some("N6W23001")
        );
        assert_eq!(
            p("123-45 Queens Blvd").house_number.as_deref(),
            Some("123-45")
        );
    }

    #[test]
    fn po_boxes_and_rural_routes() {
        let a = p("PO Box 7781, Zanzibarville OR 97303");
        assert_eq!(a.street, "PO Box 7781");
        assert_eq!(a.house_number, None);
        assert_eq!(a.city.as_deref(), Some("Zanzibarville"));
        assert_eq!(p("P.O. Box 12 Mehama OR 97384").street, "PO Box 12");
        assert_eq!(p("Post Office Box 5").street, "PO Box 5");
        assert_eq!(p("RR 2 Box 15, Lyons OR 97358").street, "RR 2 Box 15");
        assert_eq!(p("Rural Route 3 Box 7").street, "RR 3 Box 7");
        assert_eq!(p("HC 61 Box 100, Detroit OR 97342").street, "HC 61 Box 100");
    }

    #[test]
    fn zip_plus_four_and_bad_zips() {
        let a = p("412 Alder St, Riverbend OR 97351-1234");
        assert_eq!(
            (a.zip.as_deref(), a.zip4.as_deref()),
            (Some("97351"), Some("1234"))
        );
        assert_eq!(a.city_line(), "Riverbend OR 97351-1234");
        assert_eq!(
            p("412 Alder St, Riverbend OR 973511234").zip4.as_deref(),
            Some("1234")
        );
        assert_eq!(
            Address::parse("412 Alder St, Riverbend OR 9735"),
            Err(AddressError::BadZip)
        );
    }

    #[test]
    fn multi_word_cities_and_streets_named_like_directions() {
        let a = p("100 Country Club Rd Lake Oswego OR 97034");
        assert_eq!(a.street, "Country Club");
        assert_eq!(a.city.as_deref(), Some("Lake Oswego"));
        let b = p("15 North Shore Dr, West Linn OR 97068");
        assert_eq!(b.pre_direction.as_deref(), Some("N"));
        assert_eq!(b.street, "Shore");
        assert_eq!(b.city.as_deref(), Some("West Linn"));
        // A street without a suffix: without a comma the city is taken as one word.
        let c = p("100 Broadway Salem OR 97301");
        assert_eq!(c.street, "Broadway");
        assert_eq!(c.city.as_deref(), Some("Salem"));
    }

    #[test]
    fn service_addresses_without_a_city() {
        let a = p("412 Alder St");
        assert_eq!(a.city, None);
        assert_eq!(a.one_line(), "412 Alder St");
        // `St` here is the suffix, not a state.
        assert_eq!(a.suffix.as_deref(), Some("St"));
        assert_eq!(p("77 Marigoldia Way, Keizer OR 97303").street, "Marigoldia");
    }

    #[test]
    fn foreign_addresses_are_kept_as_written() {
        let a = p("Calle 5 de Mayo 123\nCol. Centro\n68000 Oaxaca, Oax.\nMexico");
        assert!(a.is_foreign());
        assert_eq!(a.lines().len(), 4);
        assert_eq!(a.street, "");
        let c = p("200 Bay St, Toronto ON M5J 2J2, Canada");
        assert!(c.is_foreign());
    }

    #[test]
    fn nothing_is_not_an_address() {
        assert_eq!(Address::parse("  \n "), Err(AddressError::Empty));
        assert_eq!(
            Address::parse("Salem OR 97301"),
            Err(AddressError::NoStreet)
        );
    }

    #[test]
    fn more_awkward_cases() {
        // A city after a comma with neither state nor ZIP; a unit after a comma is a unit.
        let a = p("12 Elm St, Keizer");
        assert_eq!(
            (a.street.as_str(), a.city.as_deref()),
            ("Elm", Some("Keizer"))
        );
        assert_eq!(a.one_line(), "12 Elm St, Keizer");
        let b = p("412 Alder St, Apt 4");
        assert_eq!(
            (b.unit.as_deref(), b.city.as_deref()),
            (Some("Apt 4"), None)
        );
        // A fraction with a unit, directionals before and after, and ZIP+4 together.
        let c = p("1208 1/2 N Main St SE Apt 2, Lyons OR 97358-0042");
        assert_eq!(
            parts(&c),
            [
                Some("1208 1/2"),
                Some("N"),
                Some("Main"),
                Some("St"),
                Some("SE"),
                Some("Apt 2"),
                Some("Lyons"),
                Some("OR"),
                Some("97358"),
                Some("0042")
            ]
        );
        // Queens-style hyphenated numbers with a `#` unit; a missing ZIP with a state.
        let d = p("123-45 Queens Blvd #3F, Forest Hills NY");
        assert_eq!(d.house_number.as_deref(), Some("123-45"));
        assert_eq!(d.unit.as_deref(), Some("# 3F"));
        assert_eq!(d.city.as_deref(), Some("Forest Hills"));
        assert_eq!((d.state.as_deref(), d.zip.as_deref()), (Some("NY"), None));
        // A rural route box and a PO box with ZIP+4.
        let e = p("RR 2 Box 15, Lyons OR 97358");
        assert_eq!(
            (e.house_number.as_deref(), e.street.as_str()),
            (None, "RR 2 Box 15")
        );
        let f = p("PO Box 7781, Zanzibarville OR 97303-7781");
        assert_eq!(
            (f.street.as_str(), f.zip4.as_deref()),
            ("PO Box 7781", Some("7781"))
        );
        // A city with neither state, ZIP nor comma, after the suffix; not a second suffix,
        // a direction, a unit or a letter.
        let h = p("14 Elm St Keizer");
        assert_eq!(
            (h.street.as_str(), h.city.as_deref()),
            ("Elm", Some("Keizer"))
        );
        assert_eq!(
            p("100 Country Club Rd Lake Oswego").city.as_deref(),
            Some("Lake Oswego")
        );
        let i = p("123 Ocean View Dr");
        assert_eq!(
            (i.street.as_str(), i.suffix.as_deref(), i.city),
            ("Ocean View", Some("Dr"), None)
        );
        assert_eq!(
            p("123 Ocean View Dr Keizer").city.as_deref(),
            Some("Keizer")
        );
        assert_eq!(
            p("4455 Wheatland Rd N").post_direction.as_deref(),
            Some("N")
        );
        assert_eq!(p("12 Avenue B").city, None);
        assert_eq!(p("100 Broadway Salem").city, None);
        assert_eq!(p("220 Birch Ave Unit A").unit.as_deref(), Some("Unit A"));
        // A missing ZIP without a comma.
        let g = p("88 SE Oak St Salem OR");
        assert_eq!(
            (g.city.as_deref(), g.state.as_deref(), g.zip.as_deref()),
            (Some("Salem"), Some("OR"), None)
        );
    }

    #[test]
    fn parts_are_checked_and_tidied() {
        let given = Address {
            house_number: Some(" 412 ".into()),
            pre_direction: Some("north".into()),
            street: " Alder ".into(),
            suffix: Some("Street".into()),
            unit: Some("".into()),
            city: Some("Riverbend".into()),
            state: Some("or".into()),
            zip: Some("97351".into()),
            zip4: Some("1234".into()),
            ..Address::default()
        };
        let a = given.normalized().unwrap();
        assert_eq!(a.one_line(), "412 N Alder St, Riverbend OR 97351-1234");
        assert_eq!(a.unit, None);
        let bad = |f: fn(&mut Address)| {
            let mut a = given.clone();
            f(&mut a);
            a.normalized().map(|_| ()).unwrap_err()
        };
        assert_eq!(
            bad(|a| a.street = " ".into()),
            ("street", AddressError::NoStreet)
        );
        assert_eq!(
            bad(|a| a.state = Some("Oregano".into())),
            ("state", AddressError::BadState)
        );
        assert_eq!(
            bad(|a| a.zip = Some("9735".into())),
            ("zip", AddressError::BadZip)
        );
        assert_eq!(
            bad(|a| a.zip4 = Some("12".into())),
            ("zip4", AddressError::BadZip)
        );
        assert_eq!(
            bad(|a| {
                a.zip = None;
            }),
            ("zip4", AddressError::BadZip)
        );
        assert_eq!(
            bad(|a| a.pre_direction = Some("Up".into())),
            ("pre_direction", AddressError::BadDirection)
        );
        assert_eq!(
            bad(|a| a.street = "x".repeat(101)),
            ("street", AddressError::Length)
        );
        assert_eq!(
            bad(|a| a.foreign = Some("Calle 5\nMexico".into())),
            ("foreign", AddressError::Foreign)
        );
        let foreign = Address {
            foreign: Some(" Calle 5 de Mayo 123\n68000 Oaxaca\nMexico ".into()),
            ..Address::default()
        };
        assert_eq!(foreign.normalized().unwrap().lines().len(), 3);
        for e in [
            AddressError::Empty,
            AddressError::NoStreet,
            AddressError::BadZip,
            AddressError::BadState,
            AddressError::BadDirection,
            AddressError::Length,
            AddressError::Foreign,
        ] {
            assert!(crate::FieldCode::ALL.contains(&e.code()));
        }
    }

    #[test]
    fn a_request_gives_parts_or_text() {
        let parts = Address {
            house_number: Some("412".into()),
            street: "Alder".into(),
            suffix: Some("St".into()),
            ..Address::default()
        };
        let r = |text: &str, parts: Option<&Address>, foreign: bool| {
            resolve(
                "mailing_address",
                "mailing_address_parts",
                text,
                parts,
                400,
                foreign,
            )
        };
        // The parts win over the text.
        assert_eq!(
            r("", Some(&parts), true).unwrap().one_line(),
            "412 Alder St"
        );
        assert_eq!(
            r("99 Other Rd", Some(&parts), true).unwrap().one_line(),
            "412 Alder St"
        );
        assert_eq!(
            r("412 alder street", None, true).unwrap(),
            parts.normalized().unwrap()
        );
        let err = |text: &str, parts: Option<&Address>, foreign: bool| {
            let e = r(text, parts, foreign).unwrap_err();
            (e.field, e.error.code().as_str())
        };
        assert_eq!(err(" ", None, true), ("mailing_address".into(), "required"));
        assert_eq!(
            err("12 A", None, true),
            ("mailing_address".into(), "length")
        );
        assert_eq!(
            err("Salem OR 97301", None, true),
            ("mailing_address".into(), "address_street")
        );
        assert_eq!(
            err("412 Alder St, Salem OR 9730", None, true),
            ("mailing_address".into(), "address_zip")
        );
        let bad_zip = Address {
            zip: Some("97".into()),
            ..parts.clone()
        };
        assert_eq!(
            err("", Some(&bad_zip), true),
            ("mailing_address_parts.zip".into(), "address_zip")
        );
        assert_eq!(
            err("200 Bay St, Toronto ON M5J 2J2, Canada", None, false),
            ("mailing_address".into(), "address_foreign")
        );
        assert!(r("200 Bay St, Toronto ON M5J 2J2, Canada", None, true)
            .unwrap()
            .is_foreign());
    }

    #[test]
    fn a_form_fills_the_parts() {
        let a = Address::from_form(
            "1208 1/2",
            "north alder street",
            "apartment 4b",
            "Riverbend",
            "OR",
            "97351-1234",
        );
        assert_eq!(
            a.one_line(),
            "1208 1/2 N Alder St Apt 4B, Riverbend OR 97351-1234"
        );
        assert_eq!(a.normalized().unwrap(), a);
        let po = Address::from_form("", "PO Box 88", "", "Riverbend", "or", "97351");
        assert_eq!((po.house_number, po.street.as_str()), (None, "PO Box 88"));
        let fifth = Address::from_form("", "5th Ave", "", "", "", "");
        assert_eq!(
            (fifth.house_number, fifth.street.as_str()),
            (None, "5th Ave")
        );
        let grid = Address::from_form("N6W23001", "Bluemound Rd", "#3", "", "", "9735");
        assert_eq!(grid.house_number.as_deref(), Some("N6W23001"));
        assert_eq!(grid.unit.as_deref(), Some("# 3"));
        assert_eq!(
            grid.normalized().unwrap_err(),
            ("zip", AddressError::BadZip)
        );
        assert_eq!(
            Address::from_form("12", "", "", "", "", "")
                .normalized()
                .unwrap_err(),
            ("street", AddressError::NoStreet)
        );
    }

    #[test]
    fn parsing_the_display_form_gives_the_same_address() {
        for s in [
            "4455 Wheatland Rd N, Keizer OR 97303",
            "1208 1/2 Main St Apt 3, Lyons OR 97358-1234",
            "PO Box 7781, Zanzibarville OR 97303",
            "RR 2 Box 15, Lyons OR 97358",
            "15 N Shore Dr, West Linn OR 97068",
            "500 Center St NE # 210, Salem OR 97301",
        ] {
            let a = p(s);
            assert_eq!(a.one_line(), s);
            assert_eq!(p(&a.one_line()), a, "{s}");
        }
    }
}
