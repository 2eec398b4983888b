//! Word lists the normalizer's heuristics consult.
//!
//! Lookups are linear scans over short static slices: each list is small
//! and hit a bounded number of times per token, so a hash map would buy
//! nothing but start-up cost.

use super::Lang;

/// English month names, January first; also the spoken form.
pub const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

const MONTH_ABBR_EN: [(&str, u8); 13] = [
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    ("may", 5),
];

const MONTH_ABBR_ES: [(&str, u8); 12] = [
    ("ene", 1),
    ("feb", 2),
    ("mar", 3),
    ("abr", 4),
    ("jun", 6),
    ("jul", 7),
    ("ago", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dic", 12),
];

/// A month name or abbreviation: `(month, is_abbreviation)`.
///
/// English months must be capitalized (so "march on" and "may be" are not
/// months); Spanish ones are lowercase by convention, so any case is taken.
pub fn month(lang: Lang, w: &str) -> Option<(u8, bool)> {
    if w.is_empty() || w.len() > 12 {
        return None;
    }
    let lower = w.to_lowercase();
    match lang {
        Lang::En => {
            if !w.starts_with(|c: char| c.is_uppercase()) {
                return None;
            }
            if let Some(m) = MONTHS_EN.iter().position(|m| *m == lower) {
                return Some((m as u8 + 1, false));
            }
            MONTH_ABBR_EN
                .iter()
                .find(|(a, _)| *a == lower)
                .map(|&(_, m)| (m, true))
        }
        Lang::Es => {
            if let Some(m) = MONTHS_ES
                .iter()
                .position(|m| *m == lower || (*m == "septiembre" && lower == "setiembre"))
            {
                return Some((m as u8 + 1, false));
            }
            MONTH_ABBR_ES
                .iter()
                .find(|(a, _)| *a == lower)
                .map(|&(_, m)| (m, true))
        }
    }
}

pub fn month_name(lang: Lang, m: u8) -> &'static str {
    let i = usize::from(m.clamp(1, 12) - 1);
    match lang {
        Lang::En => MONTHS_EN[i],
        Lang::Es => MONTHS_ES[i],
    }
}

/// English weekday abbreviations (with a following `.`), spoken in full.
pub const WEEKDAYS_EN: &[(&str, &str)] = &[
    ("Mon", "monday"),
    ("Tue", "tuesday"),
    ("Tues", "tuesday"),
    ("Wed", "wednesday"),
    ("Thu", "thursday"),
    ("Thur", "thursday"),
    ("Thurs", "thursday"),
    ("Fri", "friday"),
    ("Sat", "saturday"),
    ("Sun", "sunday"),
];

// ---------------------------------------------------------------------------
// Units and currencies

/// How a unit symbol must sit next to its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Touching or after one space.
    Any,
    /// Only touching the number (`5V`, `10A`): spaced, these letters are
    /// usually something else ("grade 5 A").
    Touching,
    /// `in`: touching, or spaced and followed by no word ("12 in." but not
    /// "5 in the box").
    Inch,
}

/// A unit of measure: symbol, English singular/plural, Spanish
/// singular/plural and whether the Spanish noun is feminine (which changes
/// "un"/"una" and "veintiún"/"veintiuna").
#[derive(Debug)]
pub struct Unit {
    pub sym: &'static str,
    pub en: (&'static str, &'static str),
    pub es: (&'static str, &'static str),
    pub es_fem: bool,
    pub fit: Fit,
}

const fn u(
    sym: &'static str,
    en: (&'static str, &'static str),
    es: (&'static str, &'static str),
    es_fem: bool,
    fit: Fit,
) -> Unit {
    Unit {
        sym,
        en,
        es,
        es_fem,
        fit,
    }
}

use Fit::{Any, Inch, Touching};

pub const UNITS: &[Unit] = &[
    u(
        "km",
        ("kilometer", "kilometers"),
        ("kilómetro", "kilómetros"),
        false,
        Any,
    ),
    u("m", ("meter", "meters"), ("metro", "metros"), false, Any),
    u(
        "cm",
        ("centimeter", "centimeters"),
        ("centímetro", "centímetros"),
        false,
        Any,
    ),
    u(
        "mm",
        ("millimeter", "millimeters"),
        ("milímetro", "milímetros"),
        false,
        Any,
    ),
    u(
        "µm",
        ("micrometer", "micrometers"),
        ("micrómetro", "micrómetros"),
        false,
        Any,
    ),
    u(
        "μm",
        ("micrometer", "micrometers"),
        ("micrómetro", "micrómetros"),
        false,
        Any,
    ),
    u(
        "nm",
        ("nanometer", "nanometers"),
        ("nanómetro", "nanómetros"),
        false,
        Any,
    ),
    u(
        "km²",
        ("square kilometer", "square kilometers"),
        ("kilómetro cuadrado", "kilómetros cuadrados"),
        false,
        Any,
    ),
    u(
        "m²",
        ("square meter", "square meters"),
        ("metro cuadrado", "metros cuadrados"),
        false,
        Any,
    ),
    u(
        "cm²",
        ("square centimeter", "square centimeters"),
        ("centímetro cuadrado", "centímetros cuadrados"),
        false,
        Any,
    ),
    u(
        "m³",
        ("cubic meter", "cubic meters"),
        ("metro cúbico", "metros cúbicos"),
        false,
        Any,
    ),
    u(
        "ft²",
        ("square foot", "square feet"),
        ("pie cuadrado", "pies cuadrados"),
        false,
        Any,
    ),
    u(
        "kg",
        ("kilogram", "kilograms"),
        ("kilogramo", "kilogramos"),
        false,
        Any,
    ),
    u("g", ("gram", "grams"), ("gramo", "gramos"), false, Any),
    u(
        "mg",
        ("milligram", "milligrams"),
        ("miligramo", "miligramos"),
        false,
        Any,
    ),
    u(
        "µg",
        ("microgram", "micrograms"),
        ("microgramo", "microgramos"),
        false,
        Any,
    ),
    u(
        "mcg",
        ("microgram", "micrograms"),
        ("microgramo", "microgramos"),
        false,
        Any,
    ),
    u("lb", ("pound", "pounds"), ("libra", "libras"), true, Any),
    u("lbs", ("pound", "pounds"), ("libra", "libras"), true, Any),
    u("oz", ("ounce", "ounces"), ("onza", "onzas"), true, Any),
    u(
        "ml",
        ("milliliter", "milliliters"),
        ("mililitro", "mililitros"),
        false,
        Any,
    ),
    u(
        "mL",
        ("milliliter", "milliliters"),
        ("mililitro", "mililitros"),
        false,
        Any,
    ),
    u(
        "cl",
        ("centiliter", "centiliters"),
        ("centilitro", "centilitros"),
        false,
        Any,
    ),
    u(
        "dl",
        ("deciliter", "deciliters"),
        ("decilitro", "decilitros"),
        false,
        Any,
    ),
    u(
        "dL",
        ("deciliter", "deciliters"),
        ("decilitro", "decilitros"),
        false,
        Any,
    ),
    u("l", ("liter", "liters"), ("litro", "litros"), false, Any),
    u("L", ("liter", "liters"), ("litro", "litros"), false, Any),
    u(
        "gal",
        ("gallon", "gallons"),
        ("galón", "galones"),
        false,
        Any,
    ),
    u(
        "tbsp",
        ("tablespoon", "tablespoons"),
        ("cucharada", "cucharadas"),
        true,
        Any,
    ),
    u(
        "tsp",
        ("teaspoon", "teaspoons"),
        ("cucharadita", "cucharaditas"),
        true,
        Any,
    ),
    u(
        "cda",
        ("tablespoon", "tablespoons"),
        ("cucharada", "cucharadas"),
        true,
        Any,
    ),
    u(
        "cdta",
        ("teaspoon", "teaspoons"),
        ("cucharadita", "cucharaditas"),
        true,
        Any,
    ),
    u(
        "mph",
        ("mile per hour", "miles per hour"),
        ("milla por hora", "millas por hora"),
        true,
        Any,
    ),
    u(
        "kph",
        ("kilometer per hour", "kilometers per hour"),
        ("kilómetro por hora", "kilómetros por hora"),
        false,
        Any,
    ),
    u(
        "kmh",
        ("kilometer per hour", "kilometers per hour"),
        ("kilómetro por hora", "kilómetros por hora"),
        false,
        Any,
    ),
    u(
        "kWh",
        ("kilowatt hour", "kilowatt hours"),
        ("kilovatio hora", "kilovatios hora"),
        false,
        Any,
    ),
    u("W", ("watt", "watts"), ("vatio", "vatios"), false, Any),
    u(
        "kW",
        ("kilowatt", "kilowatts"),
        ("kilovatio", "kilovatios"),
        false,
        Any,
    ),
    u(
        "MW",
        ("megawatt", "megawatts"),
        ("megavatio", "megavatios"),
        false,
        Any,
    ),
    u(
        "GW",
        ("gigawatt", "gigawatts"),
        ("gigavatio", "gigavatios"),
        false,
        Any,
    ),
    u(
        "V",
        ("volt", "volts"),
        ("voltio", "voltios"),
        false,
        Touching,
    ),
    u(
        "A",
        ("amp", "amps"),
        ("amperio", "amperios"),
        false,
        Touching,
    ),
    u(
        "mAh",
        ("milliamp hour", "milliamp hours"),
        ("miliamperio hora", "miliamperios hora"),
        false,
        Any,
    ),
    u(
        "GB",
        ("gigabyte", "gigabytes"),
        ("gigabyte", "gigabytes"),
        false,
        Any,
    ),
    u(
        "MB",
        ("megabyte", "megabytes"),
        ("megabyte", "megabytes"),
        false,
        Any,
    ),
    u(
        "KB",
        ("kilobyte", "kilobytes"),
        ("kilobyte", "kilobytes"),
        false,
        Any,
    ),
    u(
        "kB",
        ("kilobyte", "kilobytes"),
        ("kilobyte", "kilobytes"),
        false,
        Any,
    ),
    u(
        "TB",
        ("terabyte", "terabytes"),
        ("terabyte", "terabytes"),
        false,
        Any,
    ),
    u(
        "Gbps",
        ("gigabit per second", "gigabits per second"),
        ("gigabit por segundo", "gigabits por segundo"),
        false,
        Any,
    ),
    u(
        "Mbps",
        ("megabit per second", "megabits per second"),
        ("megabit por segundo", "megabits por segundo"),
        false,
        Any,
    ),
    u(
        "GHz",
        ("gigahertz", "gigahertz"),
        ("gigahercio", "gigahercios"),
        false,
        Any,
    ),
    u(
        "MHz",
        ("megahertz", "megahertz"),
        ("megahercio", "megahercios"),
        false,
        Any,
    ),
    u(
        "kHz",
        ("kilohertz", "kilohertz"),
        ("kilohercio", "kilohercios"),
        false,
        Any,
    ),
    u("Hz", ("hertz", "hertz"), ("hercio", "hercios"), false, Any),
    u(
        "dB",
        ("decibel", "decibels"),
        ("decibelio", "decibelios"),
        false,
        Any,
    ),
    u("ft", ("foot", "feet"), ("pie", "pies"), false, Any),
    u(
        "in",
        ("inch", "inches"),
        ("pulgada", "pulgadas"),
        true,
        Inch,
    ),
    u("yd", ("yard", "yards"), ("yarda", "yardas"), true, Any),
    u("mi", ("mile", "miles"), ("milla", "millas"), true, Any),
    u("h", ("hour", "hours"), ("hora", "horas"), true, Any),
    u("hr", ("hour", "hours"), ("hora", "horas"), true, Any),
    u("hrs", ("hour", "hours"), ("hora", "horas"), true, Any),
    u(
        "min",
        ("minute", "minutes"),
        ("minuto", "minutos"),
        false,
        Any,
    ),
    u(
        "mins",
        ("minute", "minutes"),
        ("minuto", "minutos"),
        false,
        Any,
    ),
    u(
        "s",
        ("second", "seconds"),
        ("segundo", "segundos"),
        false,
        Any,
    ),
    u(
        "sec",
        ("second", "seconds"),
        ("segundo", "segundos"),
        false,
        Any,
    ),
    u(
        "secs",
        ("second", "seconds"),
        ("segundo", "segundos"),
        false,
        Any,
    ),
    u(
        "seg",
        ("second", "seconds"),
        ("segundo", "segundos"),
        false,
        Any,
    ),
    u(
        "ms",
        ("millisecond", "milliseconds"),
        ("milisegundo", "milisegundos"),
        false,
        Any,
    ),
    u(
        "µs",
        ("microsecond", "microseconds"),
        ("microsegundo", "microsegundos"),
        false,
        Any,
    ),
    u(
        "ns",
        ("nanosecond", "nanoseconds"),
        ("nanosegundo", "nanosegundos"),
        false,
        Any,
    ),
    u(
        "fps",
        ("frame per second", "frames per second"),
        ("fotograma por segundo", "fotogramas por segundo"),
        false,
        Any,
    ),
    u(
        "rpm",
        ("revolution per minute", "revolutions per minute"),
        ("revolución por minuto", "revoluciones por minuto"),
        true,
        Any,
    ),
    u(
        "kcal",
        ("kilocalorie", "kilocalories"),
        ("kilocaloría", "kilocalorías"),
        true,
        Any,
    ),
    u("yr", ("year", "years"), ("año", "años"), false, Any),
    u("yrs", ("year", "years"), ("año", "años"), false, Any),
];

pub const DEGREES: Unit = u("°", ("degree", "degrees"), ("grado", "grados"), false, Any);
pub const CELSIUS: Unit = u(
    "°C",
    ("degree celsius", "degrees celsius"),
    ("grado celsius", "grados celsius"),
    false,
    Any,
);
pub const FAHRENHEIT: Unit = u(
    "°F",
    ("degree fahrenheit", "degrees fahrenheit"),
    ("grado fahrenheit", "grados fahrenheit"),
    false,
    Any,
);
pub const CENTS: Unit = u("¢", ("cent", "cents"), ("centavo", "centavos"), false, Any);

pub fn unit(sym: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.sym == sym)
}

/// A currency: English and Spanish names of the major and minor unit.
pub struct Currency {
    pub code: &'static str,
    pub en: (&'static str, &'static str),
    pub en_minor: Option<(&'static str, &'static str)>,
    pub es: (&'static str, &'static str),
    pub es_minor: Option<(&'static str, &'static str)>,
    pub es_fem: bool,
}

pub const CURRENCIES: &[Currency] = &[
    Currency {
        code: "USD",
        en: ("dollar", "dollars"),
        en_minor: Some(("cent", "cents")),
        es: ("dólar", "dólares"),
        es_minor: Some(("centavo", "centavos")),
        es_fem: false,
    },
    Currency {
        code: "EUR",
        en: ("euro", "euros"),
        en_minor: Some(("cent", "cents")),
        es: ("euro", "euros"),
        es_minor: Some(("céntimo", "céntimos")),
        es_fem: false,
    },
    Currency {
        code: "GBP",
        en: ("pound", "pounds"),
        en_minor: Some(("penny", "pence")),
        es: ("libra", "libras"),
        es_minor: Some(("penique", "peniques")),
        es_fem: true,
    },
    Currency {
        code: "JPY",
        en: ("yen", "yen"),
        en_minor: None,
        es: ("yen", "yenes"),
        es_minor: None,
        es_fem: false,
    },
    Currency {
        code: "INR",
        en: ("rupee", "rupees"),
        en_minor: None,
        es: ("rupia", "rupias"),
        es_minor: None,
        es_fem: true,
    },
    Currency {
        code: "KRW",
        en: ("won", "won"),
        en_minor: None,
        es: ("won", "wones"),
        es_minor: None,
        es_fem: false,
    },
    Currency {
        code: "RUB",
        en: ("ruble", "rubles"),
        en_minor: None,
        es: ("rublo", "rublos"),
        es_minor: None,
        es_fem: false,
    },
    Currency {
        code: "CAD",
        en: ("canadian dollar", "canadian dollars"),
        en_minor: Some(("cent", "cents")),
        es: ("dólar canadiense", "dólares canadienses"),
        es_minor: Some(("centavo", "centavos")),
        es_fem: false,
    },
    Currency {
        code: "AUD",
        en: ("australian dollar", "australian dollars"),
        en_minor: Some(("cent", "cents")),
        es: ("dólar australiano", "dólares australianos"),
        es_minor: Some(("centavo", "centavos")),
        es_fem: false,
    },
    Currency {
        code: "CHF",
        en: ("swiss franc", "swiss francs"),
        en_minor: None,
        es: ("franco suizo", "francos suizos"),
        es_minor: None,
        es_fem: false,
    },
    Currency {
        code: "MXN",
        en: ("mexican peso", "mexican pesos"),
        en_minor: Some(("centavo", "centavos")),
        es: ("peso mexicano", "pesos mexicanos"),
        es_minor: Some(("centavo", "centavos")),
        es_fem: false,
    },
    Currency {
        code: "CNY",
        en: ("yuan", "yuan"),
        en_minor: None,
        es: ("yuan", "yuanes"),
        es_minor: None,
        es_fem: false,
    },
];

pub fn currency_code(code: &str) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.code == code)
}

pub fn currency_symbol(c: char) -> Option<&'static Currency> {
    currency_code(match c {
        '$' => "USD",
        '€' => "EUR",
        '£' => "GBP",
        '¥' | '￥' => "JPY",
        '₹' => "INR",
        '₩' => "KRW",
        '₽' => "RUB",
        _ => return None,
    })
}

/// Letters written right before `$` to name a dollar (`US$`, `C$`, `A$`).
pub fn dollar_prefix(w: &str) -> Option<&'static Currency> {
    currency_code(match w {
        "US" | "U" => "USD",
        "C" | "CA" | "CAN" => "CAD",
        "A" | "AU" => "AUD",
        "MX" | "Mex" => "MXN",
        _ => return None,
    })
}

/// Written scale suffixes: `5k`, `4.2M`, `3bn`. `m`, `b`, `B` and `T`
/// count only after a currency, where they cannot be meters, bits or an
/// apartment number.
pub fn scale_abbr(w: &str, money: bool) -> Option<u8> {
    match w {
        "k" | "K" => Some(1),
        "M" | "MM" | "mn" | "mln" => Some(2),
        "bn" | "bln" => Some(3),
        "tn" | "trn" => Some(4),
        // Without money these are apartment numbers, grades, sizes ("4B").
        "B" if money => Some(3),
        "T" if money => Some(4),
        "m" if money => Some(2),
        "b" if money => Some(3),
        _ => None,
    }
}

/// Spelled-out scale words after a currency amount ("$5.3 billion").
pub fn scale_word(lang: Lang, w: &str) -> Option<u8> {
    let lw = w.to_lowercase();
    match lang {
        Lang::En => match lw.as_str() {
            "thousand" => Some(1),
            "million" | "millions" => Some(2),
            "billion" | "billions" => Some(3),
            "trillion" | "trillions" => Some(4),
            _ => None,
        },
        Lang::Es => match lw.as_str() {
            "mil" => Some(1),
            "millón" | "millon" | "millones" => Some(2),
            "billón" | "billon" | "billones" => Some(4),
            _ => None,
        },
    }
}

// ---------------------------------------------------------------------------
// Abbreviations

/// How an abbreviation's period relates to the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrKind {
    /// Precedes a name (`Mr.`, `Prof.`): its period never ends a sentence
    /// and it is only expanded before a capitalized word.
    Title,
    /// Can close a sentence (`etc.`, `Inc.`): the period is kept when a
    /// capitalized word or the end of the text follows.
    Final,
    /// Like [`AbbrKind::Final`] but usually followed by a name (`Jr.`,
    /// `Ave.`): kept only before a common sentence opener or the end.
    WeakFinal,
    /// Only an abbreviation before a number (`No. 5`, `p. 12`).
    BeforeNum,
    /// Always expanded, period never kept except at the end (`vs.`).
    Plain,
}

pub struct Abbr {
    pub key: &'static str,
    /// Whether the form without a period is also the abbreviation.
    pub bare: bool,
    pub exp: &'static str,
    pub kind: AbbrKind,
}

const fn ab(key: &'static str, bare: bool, exp: &'static str, kind: AbbrKind) -> Abbr {
    Abbr {
        key,
        bare,
        exp,
        kind,
    }
}

use AbbrKind::{BeforeNum, Final, Plain, Title, WeakFinal};

pub const ABBR_EN: &[Abbr] = &[
    // Always titles, whatever follows ("Mr. and Mrs. Smith").
    ab("Mr", true, "mister", Plain),
    ab("Mrs", true, "missus", Plain),
    ab("Ms", true, "miz", Plain),
    ab("Messrs", false, "messieurs", Plain),
    ab("Prof", false, "professor", Title),
    ab("Gen", false, "general", Title),
    ab("Gov", false, "governor", Title),
    ab("Sen", false, "senator", Title),
    ab("Rep", false, "representative", Title),
    ab("Pres", false, "president", Title),
    ab("Capt", false, "captain", Title),
    ab("Lt", false, "lieutenant", Title),
    ab("Col", false, "colonel", Title),
    ab("Sgt", false, "sergeant", Title),
    ab("Cpl", false, "corporal", Title),
    ab("Adm", false, "admiral", Title),
    ab("Rev", false, "reverend", Title),
    ab("Hon", false, "honorable", Title),
    ab("Fr", false, "father", Title),
    ab("Mt", false, "mount", Title),
    ab("Ft", false, "fort", Title),
    ab("Pt", false, "point", Title),
    ab("etc", true, "et cetera", Final),
    ab("Inc", false, "incorporated", Final),
    ab("Ltd", false, "limited", Final),
    ab("Co", false, "company", Final),
    ab("Corp", false, "corporation", Final),
    ab("Bros", false, "brothers", Final),
    ab("al", false, "al", Final),
    ab("Jr", false, "junior", WeakFinal),
    ab("Sr", false, "senior", WeakFinal),
    ab("Ave", false, "avenue", WeakFinal),
    ab("Blvd", false, "boulevard", WeakFinal),
    ab("Rd", false, "road", WeakFinal),
    ab("Ln", false, "lane", WeakFinal),
    ab("Hwy", false, "highway", WeakFinal),
    ab("Pkwy", false, "parkway", WeakFinal),
    ab("Sq", false, "square", WeakFinal),
    ab("Dept", false, "department", WeakFinal),
    ab("Univ", false, "university", WeakFinal),
    ab("Apt", false, "apartment", BeforeNum),
    ab("No", false, "number", BeforeNum),
    ab("no", false, "number", BeforeNum),
    ab("Nos", false, "numbers", BeforeNum),
    ab("p", false, "page", BeforeNum),
    ab("pp", false, "pages", BeforeNum),
    ab("Fig", false, "figure", BeforeNum),
    ab("fig", false, "figure", BeforeNum),
    ab("Figs", false, "figures", BeforeNum),
    ab("Vol", false, "volume", BeforeNum),
    ab("vol", false, "volume", BeforeNum),
    ab("Ch", false, "chapter", BeforeNum),
    ab("ch", false, "chapter", BeforeNum),
    ab("Sec", false, "section", BeforeNum),
    ab("Art", false, "article", BeforeNum),
    ab("Eq", false, "equation", BeforeNum),
    ab("eq", false, "equation", BeforeNum),
    ab("Ex", false, "example", BeforeNum),
    ab("Tel", false, "telephone", BeforeNum),
    ab("Rm", false, "room", BeforeNum),
    ab("Ste", false, "suite", BeforeNum),
    ab("vs", true, "versus", Plain),
    ab("v", false, "versus", Plain),
    ab("approx", true, "approximately", Plain),
    ab("Approx", true, "approximately", Plain),
    ab("cf", false, "compare", Plain),
    ab("viz", false, "namely", Plain),
    ab("est", false, "established", BeforeNum),
];

pub const ABBR_ES: &[Abbr] = &[
    ab("Sr", true, "señor", Title),
    ab("Sra", true, "señora", Title),
    ab("Srta", true, "señorita", Title),
    ab("Sres", false, "señores", Title),
    ab("Dr", true, "doctor", Title),
    ab("Dra", true, "doctora", Title),
    ab("Lic", false, "licenciado", Title),
    ab("Lcda", false, "licenciada", Title),
    ab("Ing", false, "ingeniero", Title),
    ab("Arq", false, "arquitecto", Title),
    ab("Prof", false, "profesor", Title),
    ab("Profa", false, "profesora", Title),
    ab("Mtro", false, "maestro", Title),
    ab("Mtra", false, "maestra", Title),
    ab("Gral", false, "general", Title),
    ab("Dña", false, "doña", Title),
    ab("Sto", false, "santo", Title),
    ab("Sta", false, "santa", Title),
    ab("Av", false, "avenida", Title),
    ab("Avda", false, "avenida", Title),
    ab("etc", true, "etcétera", Final),
    ab("Cía", false, "compañía", Final),
    ab("Ud", false, "usted", WeakFinal),
    ab("Uds", false, "ustedes", WeakFinal),
    ab("Vd", false, "usted", WeakFinal),
    ab("Vds", false, "ustedes", WeakFinal),
    ab("pág", false, "página", BeforeNum),
    ab("págs", false, "páginas", BeforeNum),
    ab("núm", false, "número", BeforeNum),
    ab("Núm", false, "número", BeforeNum),
    ab("nro", false, "número", BeforeNum),
    ab("Nro", false, "número", BeforeNum),
    ab("No", false, "número", BeforeNum),
    ab("cap", false, "capítulo", BeforeNum),
    ab("vol", false, "volumen", BeforeNum),
    ab("art", false, "artículo", BeforeNum),
    ab("Art", false, "artículo", BeforeNum),
    ab("fig", false, "figura", BeforeNum),
    ab("tel", false, "teléfono", BeforeNum),
    ab("Tel", false, "teléfono", BeforeNum),
    ab("aprox", true, "aproximadamente", Plain),
    ab("vs", true, "contra", Plain),
];

pub fn abbr(lang: Lang, key: &str) -> Option<&'static Abbr> {
    let table = match lang {
        Lang::En => ABBR_EN,
        Lang::Es => ABBR_ES,
    };
    table.iter().find(|a| a.key == key)
}

/// Dotted abbreviations, by their letters joined and lowercased (`e.g.` ->
/// `eg`), with the spoken form and whether the final period can end a
/// sentence.
pub fn dotted(lang: Lang, key: &str) -> Option<(&'static str, AbbrKind)> {
    let v = match (lang, key) {
        (Lang::En, "eg") => ("for example", Plain),
        (Lang::En, "ie") => ("that is", Plain),
        (Lang::En, "aka") => ("also known as", Plain),
        (Lang::En, "am") => ("eigh m", Final),
        (Lang::En, "pm") => ("p m", Final),
        (Lang::En, "ad") => ("eigh d", Final),
        (Lang::En, "bc") => ("b c", Final),
        (Lang::En, "etal") => ("et al", Final),
        (Lang::En, "rsvp") => ("r s v p", Final),
        (Lang::Es, "eeuu") => ("estados unidos", WeakFinal),
        (Lang::Es, "pej") => ("por ejemplo", Plain),
        (Lang::Es, "sa") => ("sociedad anónima", Final),
        (Lang::Es, "am") => ("a eme", Final),
        (Lang::Es, "pm") => ("pe eme", Final),
        (Lang::Es, "dc") => ("después de cristo", Final),
        (Lang::Es, "ac") => ("antes de cristo", Final),
        _ => return None,
    };
    Some(v)
}

// ---------------------------------------------------------------------------
// Context words

/// Words that begin sentences often enough that a period before them is
/// taken as a sentence end even after an abbreviation that usually
/// precedes a name (mirrors the segmenter's rule for initials).
pub fn is_opener(lang: Lang, w: &str) -> bool {
    #[rustfmt::skip]
    const EN: &[&str] = &[
        "The", "A", "An", "He", "She", "It", "We", "They", "I", "You", "This", "That", "These",
        "Those", "There", "Then", "But", "And", "So", "In", "On", "At", "As", "If", "When", "What",
        "Why", "How", "Who", "My", "Our", "His", "Her", "Its", "Their", "After", "Before",
        "However", "Meanwhile", "Yes", "No", "Today", "Now", "Please", "Thanks", "Also",
    ];
    #[rustfmt::skip]
    const ES: &[&str] = &[
        "El", "La", "Los", "Las", "Un", "Una", "Él", "Ella", "Ellos", "Ellas", "Yo", "Tú",
        "Nosotros", "Pero", "Y", "En", "Por", "Para", "Con", "Este", "Esta", "Esto", "Eso", "Hoy",
        "Ayer", "Luego", "Después", "Sin", "Si", "Cuando", "Qué", "Sí", "No", "Mi", "Su",
        "Nuestro", "Gracias", "También", "Ahora",
    ];
    match lang {
        Lang::En => EN.contains(&w),
        Lang::Es => ES.contains(&w),
    }
}

/// Words after which a bare four-digit number is a year ("in 1999",
/// "since 2004"). Words that precede counts as often as years ("of",
/// "around", "to", "and") are left out: after them the next word decides
/// ("a crowd of 1500 people", but "the summer of 1969.").
pub fn is_year_cue(w: &str) -> bool {
    #[rustfmt::skip]
    const CUES: &[&str] = &[
        "in", "since", "by", "from", "until", "till", "through", "before", "after", "during",
        "circa", "c", "ca", "year", "summer", "winter", "spring", "fall", "autumn", "early",
        "late", "mid", "born", "died", "founded", "established", "est", "ad", "bc", "class",
        "vintage", "season", "fiscal", "fy",
    ];
    CUES.contains(&w)
}

/// Words before a number that mark it as a count or label, not a year
/// ("about 1500", "page 1200").
pub fn is_count_cue(w: &str) -> bool {
    #[rustfmt::skip]
    const CUES: &[&str] = &[
        "about", "over", "under", "nearly", "almost", "than", "approximately", "exactly",
        "roughly", "some", "total", "page", "pages", "p", "pp", "no", "number", "room", "flight",
        "unit", "version", "score", "scored", "only", "just", "least", "most", "all", "call",
        "dial",
    ];
    CUES.contains(&w)
}

/// Words after a four-digit number that keep it a year ("1999 was", "2020
/// and") rather than a count ("1999 apples").
pub fn is_year_follower(w: &str) -> bool {
    #[rustfmt::skip]
    const FOLLOW: &[&str] = &[
        "was", "is", "were", "will", "would", "had", "has", "saw", "brought", "marked", "began",
        "ended", "and", "or", "to", "when", "as", "in", "on", "at", "for", "the", "a", "with",
        "after", "before", "until", "through", "election", "elections", "season", "census",
        "olympics", "edition", "model", "version", "budget", "survey", "report", "film", "movie",
        "album", "war", "world", "cup", "championship", "tournament", "earthquake", "crisis", "bc",
        "ad", "bce", "ce", "onwards", "onward", "vintage", "levels", "figures", "data", "where",
        "while", "which", "that", "if", "but", "so", "then", "also", "could", "should", "might",
        "may", "can", "did", "we", "i", "they", "he", "she", "it", "you", "there", "this", "our",
        "their", "his", "her", "its", "my",
    ];
    FOLLOW.contains(&w)
}

/// Words that introduce a Roman numeral read as a cardinal ("Chapter XII"
/// "chapter twelve", "World War II" "world war two").
pub fn is_roman_cue(lang: Lang, w: &str) -> bool {
    #[rustfmt::skip]
    const EN: &[&str] = &[
        "chapter", "part", "book", "volume", "vol", "act", "scene", "war", "section", "phase",
        "episode", "season", "article", "title", "appendix", "stage", "level", "round", "class",
        "type", "grade", "canto", "psalm", "step", "unit", "lesson", "movement", "symphony", "op",
        "no", "mark", "mk", "series", "tier", "category", "super", "bowl",
    ];
    #[rustfmt::skip]
    const ES: &[&str] = &[
        "capítulo", "parte", "libro", "tomo", "volumen", "vol", "acto", "escena", "sección",
        "fase", "episodio", "temporada", "artículo", "título", "siglo", "siglos", "apéndice",
        "nivel", "lección", "unidad", "tema", "clase", "tipo", "grado",
    ];
    let lw = w.to_lowercase();
    match lang {
        Lang::En => EN.contains(&lw.as_str()),
        Lang::Es => ES.contains(&lw.as_str()),
    }
}

/// Given names that take regnal numbers ("Henry VIII" "henry the eighth").
pub fn is_regnal_name(w: &str) -> bool {
    #[rustfmt::skip]
    const NAMES: &[&str] = &[
        "henry", "elizabeth", "charles", "george", "edward", "william", "james", "richard", "john",
        "louis", "paul", "pius", "leo", "benedict", "gregory", "innocent", "clement", "urban",
        "boniface", "alexander", "frederick", "philip", "ferdinand", "peter", "catherine", "mary",
        "anne", "victoria", "nicholas", "ivan", "constantine", "ramesses", "ramses", "ptolemy",
        "otto", "carlos", "juan", "felipe", "alfonso", "fernando", "isabel", "enrique", "luis",
        "pedro", "jaime", "sancho", "gustav", "gustavus", "christian", "olaf", "haakon", "harald",
        "frederik", "wilhelm", "ludwig", "francis", "francisco", "napoleon", "umberto", "victor",
        "emmanuel", "rama", "mehmed", "murad", "selim", "suleiman", "darius", "xerxes", "cyrus",
        "amenhotep", "thutmose", "willem", "carl", "karl", "oscar", "sigismund", "casimir",
        "stanislaus", "pablo", "benedicto", "gregorio", "león", "pío", "clemente", "inocencio",
        "urbano", "bonifacio", "guillermo", "jorge", "eduardo", "ricardo", "jacobo", "carlota",
        "maría", "ana", "catalina", "federico", "iván", "nicolás", "constantino", "alejandro",
        "juana", "ramsés", "david", "robert", "malcolm", "duncan", "alexios", "basil", "leopold",
        "maximilian", "rudolf", "matthias", "albert", "baudouin", "sixtus", "julius", "adrian",
        "martin", "eugene", "celestine", "honorius", "nero", "tutankhamun", "hadrian", "edmund",
        "harold", "stephen", "canute", "cnut", "rainier", "albert", "grimaldi", "hussein",
        "abdullah", "faisal", "mswati", "sobhuza",
    ];
    NAMES.contains(&w.to_lowercase().as_str())
}

/// All-caps words said as words, not letter by letter.
pub fn is_acronym_word(lang: Lang, w: &str) -> bool {
    #[rustfmt::skip]
    const COMMON: &[&str] = &[
        "NASA", "NATO", "UNESCO", "UNICEF", "NASDAQ", "LASER", "SCUBA", "RADAR", "SONAR", "AIDS",
        "COVID", "OPEC", "FIFA", "UEFA", "NAFTA", "GIF", "JPEG", "PIN", "RAM", "ROM", "SIM",
        "CAPTCHA", "IKEA", "LEGO", "ZIP", "POTUS", "SCOTUS", "FEMA", "DARPA", "CERN", "ASCII",
        "WASP", "YOLO", "NIMBY", "BAFTA", "ANZAC", "INTERPOL", "EUROPOL", "SWAT", "SARS", "MERS",
        "ASEAN", "OSHA", "GAAP", "WYSIWYG", "MIDI", "SQUAD", "TED", "ESPN", "LOL", "NAACP", "UNIX",
        "LINUX", "JSON", "YAML", "AJAX", "WIFI", "WIKI", "DOS", "CAD", "PAC", "MOMA", "NOAA",
        "ISIS", "GOP", "IMAX", "EPCOT", "ICANN", "MENSA", "OK", "I", "A", "SAT", "GRE", "GMAT",
        "APR", "BASIC", "COBOL", "FORTRAN", "PASCAL", "DELL", "SONY", "ROI", "PDF", "URL", "HTML",
    ];
    #[rustfmt::skip]
    const ES: &[&str] = &[
        "ONU", "OTAN", "OVNI", "SIDA", "PYME", "PYMES", "UNAM", "RENFE", "IVA", "INE", "SEAT",
        "MERCOSUR", "UNASUR", "OEA", "CEPAL", "FARC", "ETA", "OCDE", "BOE", "AVE", "UCI", "ERE",
        "IRPF", "ANSES", "SAT", "CONACYT", "PEMEX", "TELMEX", "IMSS", "FONASA", "DGT", "CEO",
    ];
    // Said as letters everywhere, listed only to override the English list.
    #[rustfmt::skip]
    const EN_LETTERS: &[&str] = &[
        "PDF", "URL", "HTML", "ROI", "SAT", "GRE", "GMAT", "APR", "CEO",
    ];
    match lang {
        Lang::En => COMMON.contains(&w) && !EN_LETTERS.contains(&w),
        Lang::Es => (COMMON.contains(&w) && w != "CEO") || ES.contains(&w),
    }
}

/// Initialisms spelled even inside all-caps text ("WATCH CNN NOW").
pub fn is_known_initialism(w: &str) -> bool {
    #[rustfmt::skip]
    const KNOWN: &[&str] = &[
        "FBI", "CIA", "NSA", "USA", "UK", "EU", "UN", "BBC", "CNN", "CEO", "CFO", "CTO", "DNA",
        "RNA", "TV", "PC", "AI", "API", "URL", "USB", "CPU", "GPU", "HTML", "CSS", "PDF", "FAQ",
        "DIY", "ATM", "VIP", "NBA", "NFL", "MLB", "NHL", "IRS", "IQ", "ID", "HIV", "MBA", "BMW",
        "IBM", "HP", "LCD", "LED", "DVD", "CD", "GPS", "SUV", "UFO", "NYC", "LA", "DC", "MIT",
        "UCLA", "NYU", "NHS", "EEUU", "RRHH", "DNI", "PIB", "PP", "PSOE", "PRI", "PAN", "ONG",
    ];
    KNOWN.contains(&w)
}

/// Single letters as espeak-ng should say them when spelling. English "a"
/// alone is read as the article, so it is written so that it sounds like
/// the letter.
pub fn letter(lang: Lang, c: char) -> String {
    let lc: String = c.to_lowercase().collect();
    match (lang, lc.as_str()) {
        (Lang::En, "a") => "eigh".into(),
        _ => lc,
    }
}

/// Spanish words that follow a number without being the counted noun, so
/// "1" before them stays "uno" ("1 de mayo", "1 y 2").
pub fn es_not_noun(w: &str) -> bool {
    #[rustfmt::skip]
    const W: &[&str] = &[
        "de", "del", "a", "al", "y", "o", "u", "e", "en", "por", "para", "con", "sin", "que", "se",
        "es", "son", "fue", "era", "más", "menos", "entre", "hasta", "desde", "sobre", "el", "la",
        "los", "las", "lo", "le", "les", "ni", "pero", "como", "si", "no", "ya",
    ];
    W.contains(&w)
}

/// Words after which a three- or four-digit number is an identifier said
/// in pairs, like a year ("flight 1234" "twelve thirty four", "Boeing 747"
/// "seven forty seven", "room 101" "one oh one").
pub fn is_pairs_cue(w: &str) -> bool {
    #[rustfmt::skip]
    const CUES: &[&str] = &[
        "flight", "room", "gate", "bus", "route", "highway", "interstate", "boeing", "airbus",
        "platform", "suite", "apartment", "apt", "channel", "track", "exit", "model", "area",
        "code",
    ];
    CUES.contains(&w)
}

/// Words after which a number is dialed, so read digit by digit ("call
/// 911", "llama al 112").
pub fn is_dial_cue(w: &str) -> bool {
    #[rustfmt::skip]
    const CUES: &[&str] = &[
        "call", "dial", "dialed", "dialled", "dialing", "text", "llama", "llamar", "marca",
        "marcar", "marque", "al",
    ];
    CUES.contains(&w)
}

/// Words that a `/` after a quantity turns into "per" ("$5/month").
pub fn is_per_word(w: &str) -> bool {
    #[rustfmt::skip]
    const W: &[&str] = &[
        "month", "mo", "year", "yr", "day", "week", "wk", "hour", "hr", "h", "night", "person",
        "head", "user", "seat", "unit", "item", "kg", "lb", "serving", "minute", "min", "second",
        "sec", "s", "mes", "año", "día", "semana", "hora", "noche", "persona", "unidad", "km",
        "mile", "piece", "page", "visit", "session", "gallon", "liter", "litre",
    ];
    W.contains(&w)
}

/// Common English and Spanish words that, written in capitals, show that
/// the text around them is shouted rather than a run of initialisms.
pub fn is_common_caps(w: &str) -> bool {
    #[rustfmt::skip]
    const W: &[&str] = &[
        "THE", "AN", "AND", "OR", "BUT", "IS", "ARE", "WAS", "WERE", "BE", "TO", "OF", "IN", "ON",
        "AT", "FOR", "WITH", "THIS", "THAT", "IT", "YOU", "WE", "THEY", "HE", "SHE", "MY", "YOUR",
        "NOT", "NO", "DO", "DON'T", "ALL", "NOW", "NEW", "GET", "GO", "WILL", "CAN", "JUST", "OUT",
        "UP", "SO", "IF", "HAVE", "HAS", "FROM", "BY", "WHAT", "ME", "US", "OUR", "ONE", "HOW",
        "WHY", "WHO", "YES", "OH", "WOW", "STOP", "HELP", "NEVER", "EVER", "VERY", "MORE", "LOVE",
        "FREE", "BEST", "NOTE", "WARNING", "SALE", "OFF",
        "EL", "LA", "LOS", "LAS", "Y", "ES", "EN", "DE", "QUE", "POR", "PARA", "CON", "SIN", "MUY",
        "NO", "SÍ",
    ];
    W.contains(&w)
}
