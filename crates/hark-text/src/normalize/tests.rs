use super::*;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn en(s: &str) -> String {
    normalize(s, Lang::En, &Options::default()).text
}

fn en_gb(s: &str) -> String {
    normalize(s, Lang::En, &Options::for_tag("en-GB")).text
}

fn es(s: &str) -> String {
    normalize(s, Lang::Es, &Options::for_tag("es-ES")).text
}

/// Checks each `(input, expected)` pair, comparing case-insensitively,
/// and reports every mismatch at once.
fn check(f: fn(&str) -> String, cases: &[(&str, &str)]) {
    let bad: Vec<String> = cases
        .iter()
        .filter_map(|(i, want)| {
            let got = f(i);
            (got.to_lowercase() != want.to_lowercase())
                .then(|| format!("{i:?}: got {got:?}, want {want:?}"))
        })
        .collect();
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

/// The input text each output word links to.
fn links(text: &str, lang: Lang) -> Vec<(String, String)> {
    let n = normalize(text, lang, &Options::default());
    n.words
        .iter()
        .map(|w| {
            (
                n.text[w.output.clone()].to_string(),
                text[w.input.clone()].to_string(),
            )
        })
        .collect()
}

// --- API -------------------------------------------------------------------

#[test]
fn languages_from_tags() {
    assert_eq!(Lang::from_tag("en-US"), Some(Lang::En));
    assert_eq!(Lang::from_tag("en"), Some(Lang::En));
    assert_eq!(Lang::from_tag("EN_gb"), Some(Lang::En));
    assert_eq!(Lang::from_tag("es-419"), Some(Lang::Es));
    assert_eq!(Lang::from_tag("es"), Some(Lang::Es));
    assert_eq!(Lang::from_tag("fr-FR"), None);
    assert_eq!(Lang::from_tag(""), None);
    assert_eq!(Options::for_tag("en-US").date_order, DateOrder::MonthFirst);
    assert_eq!(Options::for_tag("en").date_order, DateOrder::MonthFirst);
    assert_eq!(Options::for_tag("en-GB").date_order, DateOrder::DayFirst);
    assert_eq!(Options::for_tag("es-MX").date_order, DateOrder::DayFirst);
}

#[test]
fn unknown_languages_only_clean_whitespace() {
    let n = normalize_tagged("  Bonjour   $5\t le  monde \n\n Dr. X ", "fr");
    assert_eq!(n.text, "Bonjour $5 le monde\n\nDr. X");
    assert_eq!(n.word(1), "$5");
    assert_eq!(n.words[1].input, 12..14);
    assert_eq!(normalize_tagged("$5", "en-US").text, "five dollars");
}

#[test]
fn plain_text_passes_through() {
    check(
        en,
        &[
            ("Hello, world!", "Hello, world!"),
            ("  spaced   out  ", "spaced out"),
            (
                "It's a dog's life; isn't it?",
                "It's a dog's life; isn't it?",
            ),
            ("Line one\nline two", "Line one\nline two"),
            ("Para one.\n\nPara two.", "Para one.\n\nPara two."),
            ("naïve café 東京", "naïve café 東京"),
            ("I think I can.", "I think I can."),
        ],
    );
}

// --- numbers ---------------------------------------------------------------

#[test]
fn english_cardinals() {
    check(
        en,
        &[
            ("0", "zero"),
            ("7", "seven"),
            ("42", "forty two"),
            ("100", "one hundred"),
            ("1,234", "one thousand two hundred thirty four"),
            (
                "1,234,567",
                "one million two hundred thirty four thousand five hundred sixty seven",
            ),
            ("15000 people", "fifteen thousand people"),
            ("1,000,000,000,000,000", "one quadrillion"),
            ("007", "zero zero seven"),
            ("1,2,3", "one, two, three"),
        ],
    );
}

#[test]
fn english_negatives_and_decimals() {
    check(
        en,
        &[
            ("-5", "minus five"),
            ("It was -5 outside", "It was minus five outside"),
            ("(−3)", "minus three"),
            ("3.14", "three point one four"),
            ("0.5", "zero point five"),
            (".5", "point five"),
            ("-2.5", "minus two point five"),
            ("1,234.5", "one thousand two hundred thirty four point five"),
            ("version 1.2.3", "version one dot two dot three"),
            ("+5", "plus five"),
            ("10 - 3", "ten minus three"),
        ],
    );
}

#[test]
fn english_ordinals() {
    check(
        en,
        &[
            ("1st", "first"),
            ("2nd", "second"),
            ("3rd", "third"),
            ("4th", "fourth"),
            ("11th", "eleventh"),
            ("12th", "twelfth"),
            ("21st", "twenty first"),
            ("103rd", "one hundred third"),
            ("the 20th century", "the twentieth century"),
        ],
    );
}

#[test]
fn ranges_and_scores() {
    check(
        en,
        &[
            ("10-12", "ten to twelve"),
            ("pages 5–7", "pages five to seven"),
            ("5 – 7", "five to seven"),
            ("won 3-2", "won three to two"),
            ("a 3:1 ratio", "a three to one ratio"),
            ("5-7 km", "five to seven kilometers"),
            ("10-20%", "ten to twenty percent"),
        ],
    );
}

#[test]
fn fractions() {
    check(
        en,
        &[
            ("1/2", "one half"),
            ("3/4", "three quarters"),
            ("1/4", "one quarter"),
            ("2/3", "two thirds"),
            ("1/3", "one third"),
            ("5/8", "five eighths"),
            ("3/2", "three halves"),
            ("1/100", "one hundredth"),
            ("98/100", "ninety eight hundredths"),
            ("1 1/2 cups", "one and one half cups"),
            ("24/7", "twenty four seven"),
            ("50/50", "fifty fifty"),
            ("9/11", "september eleventh"),
            ("22/7", "twenty two over seven"),
        ],
    );
}

#[test]
fn percentages() {
    check(
        en,
        &[
            ("25%", "twenty five percent"),
            ("4.5%", "four point five percent"),
            ("100 %", "one hundred percent"),
            ("-3%", "minus three percent"),
        ],
    );
}

// --- money -----------------------------------------------------------------

#[test]
fn currency() {
    check(
        en,
        &[
            ("$7", "seven dollars"),
            ("$1", "one dollar"),
            (
                "$1,234.56",
                "one thousand two hundred thirty four dollars and fifty six cents",
            ),
            ("$0.99", "ninety nine cents"),
            ("$0.01", "one cent"),
            ("$1.00", "one dollar"),
            ("$2.5", "two dollars and fifty cents"),
            ("$1.5 million", "one point five million dollars"),
            ("€4.2M", "four point two million euros"),
            ("EUR 4.2M", "four point two million euros"),
            ("$5.3 billion", "five point three billion dollars"),
            ("$10k", "ten thousand dollars"),
            ("$3bn", "three billion dollars"),
            ("£20", "twenty pounds"),
            ("GBP 20", "twenty pounds"),
            ("JPY 1000", "one thousand yen"),
            ("£1.50", "one pound fifty"),
            ("£0.01", "one penny"),
            ("¥500", "five hundred yen"),
            ("5 €", "five euros"),
            ("5€", "five euros"),
            ("1 EUR", "one euro"),
            ("100 USD", "one hundred dollars"),
            ("USD 100", "one hundred dollars"),
            ("US$5", "five dollars"),
            ("-$5", "minus five dollars"),
            ("$5-10", "five to ten dollars"),
            ("$5-$10", "five to ten dollars"),
            ("50¢", "fifty cents"),
            ("it costs $7.", "it costs seven dollars."),
        ],
    );
}

// --- years, dates, times ---------------------------------------------------

#[test]
fn years_and_decades() {
    check(
        en,
        &[
            ("1999", "nineteen ninety nine"),
            ("in 1999", "in nineteen ninety nine"),
            ("since 2004", "since two thousand four"),
            ("2000", "two thousand"),
            ("2024", "twenty twenty four"),
            ("1905", "nineteen oh five"),
            ("1900", "nineteen hundred"),
            ("It was 1999.", "It was nineteen ninety nine."),
            ("In 2020, we", "In twenty twenty, we"),
            ("1999 was great", "nineteen ninety nine was great"),
            (
                "1999 apples",
                "one thousand nine hundred ninety nine apples",
            ),
            (
                "about 1500 people",
                "about one thousand five hundred people",
            ),
            ("page 1200", "page one thousand two hundred"),
            ("1939–1945", "nineteen thirty nine to nineteen forty five"),
            ("2020-21", "twenty twenty to twenty one"),
            ("2000s", "two thousands"),
            ("1990s", "nineteen nineties"),
            ("1800s", "eighteen hundreds"),
            ("1980's", "nineteen eighties"),
            ("'90s", "nineties"),
            ("the 80s", "the eighties"),
            ("in her 30s", "in her thirties"),
            ("3000", "three thousand"),
            ("the summer of 1969.", "the summer of nineteen sixty nine."),
            (
                "a crowd of 1500 people",
                "a crowd of one thousand five hundred people",
            ),
            (
                "from 1990 to 2000.",
                "from nineteen ninety to two thousand.",
            ),
            (
                "between 1990 and 2000 we",
                "between nineteen ninety and two thousand we",
            ),
            (
                "rose to 1500 units",
                "rose to one thousand five hundred units",
            ),
            ("by 2030 we", "by twenty thirty we"),
            ("1066 AD", "ten sixty six eigh d"),
            ("44 BC", "forty four b c"),
        ],
    );
}

#[test]
fn dates() {
    check(
        en,
        &[
            ("March 3rd, 2024", "march third, twenty twenty four"),
            ("March 3, 2024", "march third, twenty twenty four"),
            ("on May 5", "on may fifth"),
            ("May 2024", "may twenty twenty four"),
            ("March 3-5", "march third to fifth"),
            ("3 March 2024", "third march twenty twenty four"),
            ("the 3rd of March", "the third of march"),
            ("21 Sept. 2001", "twenty first september two thousand one"),
            ("Jan. 5", "january fifth"),
            ("Sept. 11, 2001", "september eleventh, two thousand one"),
            ("Mon., Jan. 5", "monday, january fifth"),
            ("Tue. March 3", "tuesday march third"),
            ("2024-05-06", "may sixth, twenty twenty four"),
            ("3/4/2024", "march fourth, twenty twenty four"),
            ("12/25/24", "december twenty fifth, twenty twenty four"),
            ("25/12/2024", "december twenty fifth, twenty twenty four"),
            ("You may go", "You may go"),
            ("March on", "March on"),
        ],
    );
    check(
        en_gb,
        &[
            ("3/4/2024", "the third of april, twenty twenty four"),
            ("2024-05-06", "the sixth of may, twenty twenty four"),
            ("03.04.2024", "the third of april, twenty twenty four"),
        ],
    );
}

#[test]
fn times() {
    check(
        en,
        &[
            ("7:30", "seven thirty"),
            ("9:45 a.m.", "nine forty five eigh m."),
            ("9:45 a.m. today", "nine forty five eigh m today"),
            ("at 9:45 a.m. Then", "at nine forty five eigh m. Then"),
            ("06:40", "six forty"),
            ("23:15", "twenty three fifteen"),
            ("7:05", "seven oh five"),
            ("10:00", "ten o'clock"),
            ("13:00", "thirteen hundred"),
            ("00:00", "midnight"),
            ("5pm", "five p m"),
            ("5 p.m.", "five p m."),
            ("5 PM sharp", "five p m sharp"),
            ("10:30 AM", "ten thirty eigh m"),
            ("12:00 pm", "twelve p m"),
            ("7:30:15", "seven thirty and fifteen seconds"),
            ("John 3:16", "John three sixteen"),
        ],
    );
}

#[test]
fn phone_numbers() {
    check(
        en,
        &[
            (
                "555-123-4567",
                "five five five, one two three, four five six seven",
            ),
            (
                "(555) 123-4567",
                "five five five, one two three, four five six seven",
            ),
            (
                "+1 555 123 4567",
                "plus one, five five five, one two three, four five six seven",
            ),
            (
                "1-800-555-1234",
                "one, eight zero zero, five five five, one two three four",
            ),
            (
                "555.123.4567",
                "five five five, one two three, four five six seven",
            ),
            (
                "+44 20 7946 0958",
                "plus four four, two zero, seven nine four six, zero nine five eight",
            ),
            (
                "call 555-123-4567 now",
                "call five five five, one two three, four five six seven now",
            ),
        ],
    );
}

// --- units -----------------------------------------------------------------

#[test]
fn units() {
    check(
        en,
        &[
            ("1 km", "one kilometer"),
            ("5 km", "five kilometers"),
            ("5km", "five kilometers"),
            ("1.5 km", "one point five kilometers"),
            ("3 m", "three meters"),
            ("2 cm", "two centimeters"),
            ("4 mm", "four millimeters"),
            ("1 kg", "one kilogram"),
            ("500 g", "five hundred grams"),
            ("20 mg", "twenty milligrams"),
            ("2 lbs", "two pounds"),
            ("1 lb", "one pound"),
            ("8 oz", "eight ounces"),
            ("250 ml", "two hundred fifty milliliters"),
            ("2 L", "two liters"),
            ("1 l", "one liter"),
            ("2 tbsp", "two tablespoons"),
            ("1 tsp", "one teaspoon"),
            ("25°C", "twenty five degrees celsius"),
            ("-5 °C", "minus five degrees celsius"),
            ("98.6°F", "ninety eight point six degrees fahrenheit"),
            ("90°", "ninety degrees"),
            ("1°", "one degree"),
            ("60 mph", "sixty miles per hour"),
            ("100 km/h", "one hundred kilometers per hour"),
            ("9.8 m/s", "nine point eight meters per second"),
            ("5 kWh", "five kilowatt hours"),
            ("60 W", "sixty watts"),
            ("3 kW", "three kilowatts"),
            ("16 GB", "sixteen gigabytes"),
            ("512 MB", "five hundred twelve megabytes"),
            ("64 KB", "sixty four kilobytes"),
            ("2 TB", "two terabytes"),
            ("3.2 GHz", "three point two gigahertz"),
            ("100 MHz", "one hundred megahertz"),
            ("50 Hz", "fifty hertz"),
            ("6 ft", "six feet"),
            ("1 ft", "one foot"),
            ("12in", "twelve inches"),
            ("12 in.", "twelve inches."),
            ("5 in the box", "five in the box"),
            ("1 in 5", "one in five"),
            ("3 mi", "three miles"),
            ("2 h", "two hours"),
            ("1 hr", "one hour"),
            ("3 hrs", "three hours"),
            ("10 min", "ten minutes"),
            ("30 s", "thirty seconds"),
            ("30 sec", "thirty seconds"),
            ("200 ms", "two hundred milliseconds"),
            ("5 ft. tall", "five feet tall"),
            ("100 m2", "one hundred square meters"),
            ("12V", "twelve volts"),
            ("grade 5 A", "grade five A"),
        ],
    );
}

// --- words -----------------------------------------------------------------

#[test]
fn roman_numerals() {
    check(
        en,
        &[
            ("Chapter XII", "chapter twelve"),
            ("chapter xii", "chapter xii"),
            ("World War II", "world war two"),
            ("World War I", "world war one"),
            ("WWII", "world war two"),
            ("Part IV", "part four"),
            ("Henry VIII", "henry the eighth"),
            ("Elizabeth II", "elizabeth the second"),
            ("Elizabeth I", "elizabeth the first"),
            ("Louis XIV", "louis the fourteenth"),
            ("Pope John Paul II", "pope john paul the second"),
            ("Super Bowl LVIII", "super bowl fifty eight"),
            ("Rocky II", "rocky two"),
            ("I am here", "I am here"),
            ("in part I think", "in part I think"),
            ("Then I left", "Then I left"),
            ("Washington DC", "washington d c"),
            ("size XL", "size x l"),
        ],
    );
}

#[test]
fn abbreviations_and_titles() {
    check(
        en,
        &[
            ("Dr. Smith", "doctor Smith"),
            ("Dr Smith", "doctor Smith"),
            ("123 Main Dr.", "one hundred twenty three Main drive."),
            ("Main Dr. is closed", "Main drive is closed"),
            ("Mr. Jones", "mister Jones"),
            ("Mr. and Mrs. Smith", "mister and missus Smith"),
            ("Ms. Lee", "miz Lee"),
            ("Prof. Xavier", "professor Xavier"),
            ("John Smith Jr. Day", "John Smith junior Day"),
            ("John Smith Jr. He left.", "John Smith junior. He left."),
            ("Bob Sr.", "Bob senior."),
            ("St. Louis", "saint Louis"),
            ("in St. Louis", "in saint Louis"),
            ("St. Mary's church", "saint Mary's church"),
            ("Main St.", "Main street."),
            ("Main St. He left.", "Main street. He left."),
            ("42nd St.", "forty second street."),
            ("5th Ave.", "fifth avenue."),
            ("Sunset Blvd. at night", "Sunset boulevard at night"),
            ("Abbey Rd.", "Abbey road."),
            ("Mt. Everest", "mount Everest"),
            ("Ft. Worth", "fort Worth"),
            (
                "apples, pears, etc. The end",
                "apples, pears, et cetera. The end",
            ),
            ("apples, etc., and pears", "apples, et cetera, and pears"),
            ("fruit, e.g. apples", "fruit, for example apples"),
            ("that, i.e. this", "that, that is this"),
            ("cats vs. dogs", "cats versus dogs"),
            ("cats vs dogs", "cats versus dogs"),
            ("Roe v. Wade", "Roe versus Wade"),
            ("approx. 5 km", "approximately five kilometers"),
            ("No. 5", "number five"),
            ("no. 7", "number seven"),
            ("No. I disagree.", "No. I disagree."),
            ("see p. 12", "see page twelve"),
            ("pp. 5-7", "pages five to seven"),
            ("Fig. 3", "figure three"),
            ("Apple Inc.", "Apple incorporated."),
            ("Apple Inc. makes phones", "Apple incorporated makes phones"),
            ("Acme Ltd.", "Acme limited."),
            ("Acme Co. The", "Acme company. The"),
            ("Acme Corp.", "Acme corporation."),
            ("Smith et al. showed", "Smith et al showed"),
            ("w/ cheese", "with cheese"),
            ("w/o cheese", "without cheese"),
        ],
    );
}

#[test]
fn initialisms() {
    check(
        en,
        &[
            ("FBI", "f b i"),
            ("the FBI agent", "the f b i agent"),
            ("AP", "eigh p"),
            ("NASA", "NASA"),
            ("NATO", "NATO"),
            ("UNESCO", "UNESCO"),
            ("NASDAQ", "NASDAQ"),
            ("LASER", "LASER"),
            ("SCUBA", "SCUBA"),
            ("U.S.", "u s."),
            ("U.S. Army", "u s Army"),
            ("the U.S. The", "the u s. The"),
            ("U.S.A.", "u s eigh."),
            ("Ph.D.", "p h d."),
            ("a Ph.D. student", "a p h d student"),
            ("PhD", "p h d"),
            ("CEOs", "c e o's"),
            ("THIS IS GREAT", "this is great"),
            ("WATCH CNN NOW", "watch c n n now"),
            ("DO NOT ENTER", "do not enter"),
            ("I LOVE NY", "I love n y"),
            ("BREAKING: FBI RAIDS HQ", "BREAKING: f b i raids h q"),
            ("at 9 AM EST", "at nine eigh m e s t"),
            ("USA vs UK", "u s eigh versus u k"),
            ("John F. Kennedy", "John f Kennedy"),
            ("Plan B. Then", "Plan B. Then"),
            ("WONDERFUL", "WONDERFUL"),
            ("I", "I"),
            ("AT&T", "eigh t and T"),
        ],
    );
}

#[test]
fn urls_and_email() {
    check(
        en,
        &[
            ("example.com", "example dot com"),
            ("Visit example.com.", "Visit example dot com."),
            ("https://www.hark.dev/docs", "hark dot dev slash docs"),
            ("https://hark.dev/docs/", "hark dot dev slash docs"),
            ("http://example.com/a?b=c#d", "example dot com slash eigh"),
            ("john.doe@mail.com", "john dot doe at mail dot com"),
            ("write to info@hark.io!", "write to info at hark dot i o!"),
            ("(see https://x.org)", "see x dot org"),
            ("file.txt", "file dot txt"),
            ("node.js", "node dot js"),
            ("end.Then", "end. Then"),
        ],
    );
}

#[test]
fn symbols() {
    check(
        en,
        &[
            ("A & B", "A and B"),
            ("rock & roll", "rock and roll"),
            ("@home", "at home"),
            ("#5", "number five"),
            ("#hashtag", "hashtag"),
            ("%", "percent"),
            ("1 + 1 = 2", "one plus one equals two"),
            ("3 × 4", "three times four"),
            ("3 * 4", "three times four"),
            ("~5 km", "about five kilometers"),
            ("C++", "C plus plus"),
            ("5 > 3", "five greater than three"),
            ("±2", "plus or minus two"),
        ],
    );
}

#[test]
fn identifiers_and_operators() {
    check(
        en,
        &[
            ("Call 911", "Call nine one one"),
            ("dial 112 now", "dial one one two now"),
            ("Flight 1234 leaves", "Flight twelve thirty four leaves"),
            ("a Boeing 747", "a Boeing seven forty seven"),
            ("room 101", "room one oh one"),
            ("Apt. 4B", "apartment four B"),
            ("$5/month", "five dollars per month"),
            ("3 calls/day", "three calls per day"),
            ("and/or", "and or"),
            ("4x4", "four by four"),
            ("2.5x faster", "two point five times faster"),
            ("10:00-11:00", "ten o'clock to eleven o'clock"),
            ("5 a.m.-6 p.m.", "five eigh m to six p m."),
            ("x=-5", "x equals minus five"),
            ("5M users", "five million users"),
            ("1.2k likes", "one point two thousand likes"),
        ],
    );
}

#[test]
fn markdown_and_emoji() {
    check(
        en,
        &[
            ("**bold** text", "bold text"),
            ("*em* text", "em text"),
            ("__under__ _it_", "under it"),
            ("run `cargo test` now", "run cargo test now"),
            ("# Heading\n\nBody", "Heading\n\nBody"),
            ("## Sub heading", "Sub heading"),
            (
                "[the docs](https://hark.dev/docs) say so",
                "the docs say so",
            ),
            ("![a cat](cat.png) here", "a cat here"),
            ("- one\n- two", "one\ntwo"),
            ("* one\n* two", "one\ntwo"),
            ("> quoted", "quoted"),
            ("Great job 🎉🎉!", "Great job!"),
            ("Thumbs 👍🏽 up", "Thumbs up"),
            ("Family 👨‍👩‍👧 day", "Family day"),
            ("flags 🇺🇸 too", "flags too"),
            ("~~gone~~", "gone"),
        ],
    );
}

#[test]
fn punctuation_and_prosody() {
    check(
        en,
        &[
            ("He said (quietly) no.", "He said, quietly, no."),
            ("Wait - what?", "Wait, what?"),
            ("Wait — what?", "Wait, what?"),
            ("Wait—what?", "Wait, what?"),
            ("well-known", "well known"),
            ("I was thinking... maybe", "I was thinking... maybe"),
            ("Hmm…", "Hmm..."),
            ("What?!", "What?"),
            ("\"Quoted,\" she said.", "Quoted, she said."),
            ("¿Qué?", "Qué?"),
            ("你好。世界！", "你好. 世界!"),
        ],
    );
}

// --- Spanish ---------------------------------------------------------------

#[test]
fn spanish_numbers() {
    check(
        es,
        &[
            ("0", "cero"),
            ("1", "uno"),
            ("16", "dieciséis"),
            ("21", "veintiuno"),
            ("22", "veintidós"),
            ("100", "cien"),
            ("101", "ciento uno"),
            ("500", "quinientos"),
            ("700", "setecientos"),
            ("900", "novecientos"),
            ("1000", "mil"),
            ("1.234", "mil doscientos treinta y cuatro"),
            ("1.000.000", "un millón"),
            ("2.000.000", "dos millones"),
            ("3,5", "tres coma cinco"),
            ("3,14", "tres coma catorce"),
            ("0,05", "cero coma cero cinco"),
            ("0,995", "cero coma nueve nueve cinco"),
            ("5,000 km", "cinco mil kilómetros"),
            ("1,500,000", "un millón quinientos mil"),
            ("1.5 kg", "uno punto cinco kilogramos"),
            ("#1", "número uno"),
            ("-5", "menos cinco"),
            ("10-12", "diez a doce"),
            ("21 años", "veintiún años"),
            ("1 casa", "una casa"),
            ("1 perro", "un perro"),
            ("200 personas", "doscientas personas"),
            ("1 de mayo", "uno de mayo"),
            ("2024", "dos mil veinticuatro"),
            ("en 1999", "en mil novecientos noventa y nueve"),
        ],
    );
}

#[test]
fn spanish_ordinals() {
    check(
        es,
        &[
            ("1º", "primero"),
            ("1.º", "primero"),
            ("2ª", "segunda"),
            ("1.ª", "primera"),
            ("3er piso", "tercer piso"),
            ("1er lugar", "primer lugar"),
            ("5to grado", "quinto grado"),
            ("2da vez", "segunda vez"),
            ("21º", "vigésimo primero"),
        ],
    );
}

#[test]
fn spanish_money_and_percent() {
    check(
        es,
        &[
            ("5 €", "cinco euros"),
            ("€5", "cinco euros"),
            ("1 €", "un euro"),
            ("21 €", "veintiún euros"),
            ("$10", "diez dólares"),
            ("1,50 €", "un euro con cincuenta céntimos"),
            ("0,99 €", "noventa y nueve céntimos"),
            ("1 £", "una libra"),
            ("1.000.000 €", "un millón de euros"),
            ("4,2 M€", "cuatro coma dos millones de euros"),
            ("€4,2M", "cuatro coma dos millones de euros"),
            ("$5 mil millones", "cinco mil millones de dólares"),
            ("25 %", "veinticinco por ciento"),
            ("25%", "veinticinco por ciento"),
            ("4,5 %", "cuatro coma cinco por ciento"),
        ],
    );
}

#[test]
fn spanish_dates_and_times() {
    check(
        es,
        &[
            (
                "3 de marzo de 2024",
                "tres de marzo de dos mil veinticuatro",
            ),
            ("03/04/2024", "tres de abril de dos mil veinticuatro"),
            ("2024-05-06", "seis de mayo de dos mil veinticuatro"),
            ("7:30", "siete y media"),
            ("9:15", "nueve y cuarto"),
            ("10:45", "diez cuarenta y cinco"),
            ("7:05", "siete y cinco"),
            ("1:30", "una y media"),
            ("21:00", "veintiuna en punto"),
            ("7:00", "siete en punto"),
            ("9:30 a. m.", "nueve y media de la mañana."),
            ("9 p. m. hoy", "nueve de la noche hoy"),
            ("13:00 h", "trece en punto"),
        ],
    );
}

#[test]
fn spanish_units_and_words() {
    check(
        es,
        &[
            ("1 km", "un kilómetro"),
            ("21 km", "veintiún kilómetros"),
            ("5 kg", "cinco kilogramos"),
            ("1 h", "una hora"),
            ("21 h", "veintiuna horas"),
            ("100 km/h", "cien kilómetros por hora"),
            ("25 °C", "veinticinco grados celsius"),
            ("Felipe VI", "Felipe sexto"),
            ("Alfonso XIII", "Alfonso trece"),
            ("Isabel II", "Isabel segunda"),
            ("Juan Pablo II", "Juan Pablo segundo"),
            ("siglo XXI", "siglo veintiuno"),
            ("capítulo XII", "capítulo doce"),
            ("la II Guerra Mundial", "la segunda Guerra Mundial"),
            ("EE. UU.", "estados unidos."),
            ("EE.UU. y Canadá", "estados unidos y Canadá"),
            ("Sr. García", "señor García"),
            ("Sra. López", "señora López"),
            ("Dra. Ruiz", "doctora Ruiz"),
            ("p. ej. esto", "por ejemplo esto"),
            ("manzanas, peras, etc.", "manzanas, peras, etcétera."),
            ("pág. 5", "página cinco"),
            ("FBI", "f b i"),
            ("ONU", "ONU"),
            ("A & B", "A y B"),
            ("juan@correo.es", "juan arroba correo punto e s"),
            (
                "555-123-4567",
                "cinco cinco cinco, uno dos tres, cuatro cinco seis siete",
            ),
            ("1/2", "un medio"),
            ("3/4", "tres cuartos"),
        ],
    );
}

// --- spans -----------------------------------------------------------------

#[test]
fn spans_link_words_to_their_source() {
    let l = links("Pay $5 now", Lang::En);
    assert_eq!(
        l,
        [
            ("Pay".into(), "Pay".into()),
            ("five".into(), "$5".into()),
            ("dollars".into(), "$5".into()),
            ("now".into(), "now".into()),
        ]
    );
    let l = links("Dr. Smith", Lang::En);
    assert_eq!(l[0], ("doctor".into(), "Dr.".into()));
    assert_eq!(l[1], ("Smith".into(), "Smith".into()));
    let l = links("5 km", Lang::En);
    assert_eq!(
        l,
        [
            ("five".into(), "5".into()),
            ("kilometers".into(), "km".into())
        ]
    );
    let l = links("10-12", Lang::En);
    assert_eq!(
        l,
        [
            ("ten".into(), "10".into()),
            ("to".into(), "-".into()),
            ("twelve".into(), "12".into())
        ]
    );
    let l = links("March 3rd, 2024", Lang::En);
    assert_eq!(l[0], ("march".into(), "March".into()));
    assert_eq!(l[1], ("third".into(), "3rd".into()));
    assert_eq!(l[2], ("twenty".into(), "2024".into()));
    let l = links("call 555-123-4567", Lang::En);
    assert_eq!(l[1], ("five".into(), "555".into()));
    assert_eq!(l[4], ("one".into(), "123".into()));
    let l = links("FBI agents", Lang::En);
    assert_eq!(
        l[..3].iter().map(|p| p.1.as_str()).collect::<Vec<_>>(),
        ["FBI"; 3]
    );
    let l = links("see https://hark.dev", Lang::En);
    assert!(l[1..].iter().all(|p| p.1 == "https://hark.dev"));
}

#[test]
fn spans_are_byte_ranges_of_the_input() {
    let text = "Café: 5 km, $3.";
    let n = normalize(text, Lang::En, &Options::default());
    assert_eq!(n.text, "Café: five kilometers, three dollars.");
    assert_eq!(n.words[1].input, 7..8);
    assert_eq!(n.words[2].input, 9..11);
    assert_eq!(&text[n.words[3].input.clone()], "$3");
    assert_eq!(
        n.word_texts().collect::<Vec<_>>(),
        ["Café", "five", "kilometers", "three", "dollars"]
    );
    check_invariants(text, &n).unwrap();
}

// --- robustness ------------------------------------------------------------

#[test]
fn adversarial_inputs_stay_bounded() {
    let cases = [
        "9999999999999999999999".to_string(),
        "1".repeat(10_000),
        "1,".repeat(5_000),
        ",000".repeat(5_000),
        "$$$%%%".repeat(20_000),
        "$1".repeat(10_000),
        "1.".repeat(10_000),
        "1/".repeat(10_000),
        "1:".repeat(10_000),
        "1-".repeat(10_000),
        "](".repeat(10_000),
        "[a](".repeat(10_000),
        "a.".repeat(10_000),
        "A.".repeat(10_000),
        "e.g.".repeat(5_000),
        "%=&@_".repeat(10_000),
        "www.".repeat(5_000),
        "a@b.cc ".repeat(5_000),
        "7%".repeat(10_000),
        "I".repeat(10_000),
        "MMMM ".repeat(5_000),
        "Dr. ".repeat(5_000),
        "😀".repeat(10_000),
        "\u{200D}".repeat(10_000),
        "-".repeat(10_000),
        "'".repeat(10_000),
        "https://Dr–".to_string(),
        format!("1{}th", ",000".repeat(20_000)),
        format!("$1{}.5M", ",000".repeat(20_000)),
        format!("1{}", ".2".repeat(20_000)),
        format!("1{}", ".234".repeat(20_000)),
        "www.é–ü".repeat(100),
    ];
    for s in &cases {
        for lang in [Lang::En, Lang::Es] {
            let n = normalize(s, lang, &Options::default());
            if let Err(e) = check_invariants(s, &n) {
                panic!("{e} for input starting {:?}", &s[..s.len().min(40)]);
            }
        }
    }
}

#[test]
fn long_digit_runs_read_digit_by_digit() {
    let n = en("12345678901234567890");
    assert_eq!(n.split(' ').count(), 20);
    assert!(en("123456789012345678").contains("quadrillion"));
}

#[test]
fn large_mixed_input_is_fast() {
    let unit = "On March 3rd, 2024 at 9:45 a.m., Dr. Smith paid $1,234.56 (about 4.5%) \
                for 5 km of road on Main St. near https://hark.dev/docs - call 555-123-4567! \
                The FBI, NASA and Henry VIII agree: 1/2 of 1990s fans e.g. read Chapter XII. ";
    let text = unit.repeat(200_000 / unit.len() + 1);
    let start = Instant::now();
    let n = normalize(&text, Lang::En, &Options::default());
    let es = normalize(&text, Lang::Es, &Options::default());
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
    check_invariants(&text, &n).unwrap();
    check_invariants(&text, &es).unwrap();
}

#[test]
fn fuzz_entry_accepts_anything() {
    fuzz_entry(b"");
    fuzz_entry(b"\xff\xfe$5 \xc3(");
    fuzz_entry("Dr. $1,234.56 9:45 a.m. 3/4/2024 +1 555 123 4567 ".as_bytes());
}

fn interesting() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "1", "12", "123", "1234", "2024", "0", "007", " ", "  ", "\n", "\n\n", ".", ",", ":", "/",
        "-", "–", "$", "€", "£", "%", "°", "C", "km", "a", "m", "p", "st", "th", "s", "'", "(",
        ")", "[", "]", "+", "#", "~", "*", "_", "`", "@", "&", "Dr", "St", "Mr", "No", "e", "g",
        "U", "S", "FBI", "NASA", "XII", "II", "Henry", "Chapter", "March", "May", "Jan", "Mon",
        "USD", "EUR", "M", "k", "bn", "billion", "in", "ft", "h", "https://", "www.", "x.com",
        "a@b.co", "é", "😀", "\u{200D}", "ª", "º", "de", "EE", "UU", "¿", "!", "?", "…", "of",
        "the", "·",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_links_stay_valid(s in "\\PC{0,80}") {
        for lang in [Lang::En, Lang::Es] {
            let n = normalize(&s, lang, &Options::default());
            prop_assert!(check_invariants(&s, &n).is_ok(), "{:?}", check_invariants(&s, &n));
        }
    }

    #[test]
    fn invariants_hold_on_tricky_tokens(s in interesting()) {
        for lang in [Lang::En, Lang::Es] {
            for date_order in [DateOrder::MonthFirst, DateOrder::DayFirst] {
                let n = normalize(&s, lang, &Options { date_order });
                prop_assert!(check_invariants(&s, &n).is_ok(), "{:?}", check_invariants(&s, &n));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_fuzz_entry(b in prop::collection::vec(any::<u8>(), 0..64)) {
        fuzz_entry(&b);
    }
}
