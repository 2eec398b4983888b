use super::*;

fn en(s: &str) -> String {
    normalize(s, Lang::En, &Options::default()).text
}

fn es(s: &str) -> String {
    normalize(s, Lang::Es, &Options::for_tag("es")).text
}

#[test]
fn explore() {
    for s in [
        "Pay $5 now", "$7", "$1", "$1,234.56", "$0.99", "€4.2M", "EUR 4.2M", "$5.3 billion", "£20", "¥500",
        "1999", "in 1999", "1999 apples", "2000", "2024", "1905", "2000s", "1990s", "'90s",
        "March 3rd, 2024", "3 March 2024", "2024-05-06", "3/4/2024", "Mon., Jan. 5",
        "7:30", "9:45 a.m.", "06:40", "23:15", "7:05", "10:00", "5pm", "5 p.m.",
        "555-123-4567", "(555) 123-4567", "+1 555 123 4567",
        "1 km", "5 km", "25°C", "60 mph", "100 km/h", "5 kWh", "16 GB", "12 in.", "5 in the box",
        "Chapter XII", "World War II", "Henry VIII", "Elizabeth II", "I am here",
        "Dr. Smith", "Main Dr.", "St. Louis", "Main St. He left.", "42nd St.", "etc. The end", "e.g. this", "i.e. that", "vs. them", "approx. 5", "No. 5",
        "FBI", "NASA", "U.S. Army", "Ph.D.", "THIS IS GREAT", "CEOs",
        "example.com", "https://www.hark.dev/docs", "john.doe@mail.com",
        "A & B", "@home", "#5", "50%", "4.5%", "1 + 1 = 2", "~5", "3 × 4",
        "**bold** and _it_ and `code`", "# Heading\n\nText", "[link](http://x.com) ok", "Hi 😀 there 👍🏽!",
        "-5", "3.14", "1st 2nd 21st 103rd", "10-12", "pages 5–7", "won 3-2", "1/2 3/4 2/3 5/8",
        "1,234,567", "9999999999999999999999", "1 1/2 cups", "24/7", "the 80s", "WWII", "Louis XIV", "Super Bowl LVIII",
        "He said (quietly) no - then left.", "well-known COVID-19 5-year-old", "Mr. and Mrs. Smith", "John F. Kennedy",
    ] {
        println!("{s:?} => {:?}", en(s));
    }
    for s in [
        "3,5", "1.234", "1º", "2ª", "5 €", "€5", "$10", "1,50 €", "3 de marzo de 2024", "03/04/2024",
        "7:30", "9:15", "10:45", "25 %", "21 años", "1 casa", "200 personas", "1 de mayo", "Felipe VI", "siglo XXI",
        "la II Guerra Mundial", "EE. UU.", "Sr. García", "p. ej. esto", "1 km", "21 km", "1 h", "4,2 M€", "5 millones de euros",
        "16", "100", "500", "700", "900", "1000000", "2000000",
    ] {
        println!("{s:?} => {:?}", es(s));
    }
}
