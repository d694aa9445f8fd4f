//! Reads the report back as markup. The report is written as well-formed
//! XML (void elements closed, entities numeric), so a strict XML parser reads
//! it: text that escaped its escaping would show up as an element, an
//! attribute or a parse error.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Every element the report writes.
const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "main",
    "footer",
    "nav",
    "section",
    "div",
    "h2",
    "h3",
    "p",
    "ul",
    "li",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "strong",
    "br",
    "a",
    "figure",
    "figcaption",
    "svg",
    "g",
    "rect",
    "text",
];

/// Every attribute the report writes.
const ATTRIBUTES: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "class",
    "id",
    "role",
    "scope",
    "href",
    "rel",
    "xmlns",
    "viewBox",
    "width",
    "height",
    "aria-label",
    "x",
    "y",
    "fill",
    "text-anchor",
    "font-size",
];

/// Whether every element and attribute is one the report writes, no
/// attribute is an event handler, every link is an in-page anchor or an
/// `http(s)` URL with `rel="noreferrer"`, and there is no comment,
/// processing instruction or CDATA.
pub fn check(page: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(page);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i64;
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("not well formed at {}: {e}", reader.buffer_position()))?
        {
            Event::Start(element) => {
                depth += 1;
                check_element(&element)?;
            }
            Event::Empty(element) => check_element(&element)?,
            Event::End(_) => depth -= 1,
            Event::Text(_) | Event::GeneralRef(_) | Event::DocType(_) => {}
            Event::Eof => break,
            other => return Err(format!("unexpected markup: {other:?}")),
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced elements: depth {depth} at the end"));
    }
    Ok(())
}

fn check_element(element: &BytesStart<'_>) -> Result<(), String> {
    let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|e| format!("attribute of <{name}>: {e}"))?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|e| format!("{key}: {e}"))?
            .into_owned();
        attributes.push((key, value));
    }
    check_tag(&name, &attributes)
}

/// Whether an element with these attributes is one the report writes.
pub fn check_tag(name: &str, attributes: &[(String, String)]) -> Result<(), String> {
    if !ELEMENTS.contains(&name) {
        return Err(format!("element <{name}> the report does not write"));
    }
    let mut href = None;
    let mut rel = None;
    for (key, value) in attributes {
        if !ATTRIBUTES.contains(&key.as_str()) || key.to_ascii_lowercase().starts_with("on") {
            return Err(format!(
                "attribute {key} on <{name}> the report does not write"
            ));
        }
        if value.to_ascii_lowercase().contains("javascript:") {
            return Err(format!("{key}={value:?} on <{name}>"));
        }
        match key.as_str() {
            "href" => href = Some(value),
            "rel" => rel = Some(value),
            _ => {}
        }
    }
    if let Some(href) = href {
        let web = href.starts_with("https://") || href.starts_with("http://");
        if !(href.starts_with('#') || web && rel.map(String::as_str) == Some("noreferrer")) {
            return Err(format!("link to {href:?} (rel {rel:?})"));
        }
    }
    Ok(())
}

/// The start tags of a DOM as a browser serialises it (`--dump-dom`):
/// names and attributes, values unescaped enough to be checked. Text and
/// attribute values never hold a raw `<` that starts a tag: the serialiser
/// escapes `<` in text, and values are always double-quoted. A comment or
/// other `<!…>` after the doctype comes back as an element named `!`.
pub fn dom_tags(dom: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = dom.as_bytes();
    let mut tags = Vec::new();
    let mut at = 0;
    let is_space = |b: u8| b.is_ascii_whitespace();
    while let Some(offset) = dom[at..].find('<') {
        at += offset + 1;
        match bytes.get(at) {
            Some(b'/') => continue,
            Some(b'!') => {
                if !dom[at..].to_ascii_lowercase().starts_with("!doctype") {
                    tags.push(("!".to_owned(), Vec::new()));
                }
                continue;
            }
            _ => {}
        }
        let start = at;
        while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'>' && bytes[at] != b'/' {
            at += 1;
        }
        let name = dom[start..at].to_owned();
        let mut attributes = Vec::new();
        loop {
            while at < bytes.len() && (is_space(bytes[at]) || bytes[at] == b'/') {
                at += 1;
            }
            if at >= bytes.len() || bytes[at] == b'>' {
                break;
            }
            let key_start = at;
            while at < bytes.len()
                && !is_space(bytes[at])
                && !matches!(bytes[at], b'=' | b'>' | b'/')
            {
                at += 1;
            }
            let key = dom[key_start..at].to_owned();
            let mut value = String::new();
            if bytes.get(at) == Some(&b'=') && bytes.get(at + 1) == Some(&b'"') {
                let value_start = at + 2;
                let end = dom[value_start..]
                    .find('"')
                    .map_or(bytes.len(), |e| value_start + e);
                value = dom[value_start..end]
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&");
                at = end + 1;
            }
            attributes.push((key, value));
        }
        tags.push((name, attributes));
    }
    tags
}

/// The text a reader sees (style sheet excluded), entities resolved; each
/// text run on a line of its own.
pub fn text_of(page: &str) -> String {
    let mut reader = Reader::from_str(page);
    let mut text = String::new();
    let mut in_style = false;
    loop {
        match reader.read_event().expect("well formed") {
            Event::Start(element) => {
                in_style = element.name().as_ref() == b"style";
                text.push('\n');
            }
            Event::End(_) | Event::Empty(_) => {
                in_style = false;
                text.push('\n');
            }
            Event::Text(run) if !in_style => text.push_str(&run.decode().expect("UTF-8")),
            Event::GeneralRef(reference) => {
                let c = reference.resolve_char_ref().expect("a character reference");
                match c {
                    Some(c) => text.push(c),
                    None => panic!(
                        "named entity {:?}: the report writes numeric ones",
                        reference.decode()
                    ),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    text
}

/// Every `href`, in order.
pub fn links(page: &str) -> Vec<String> {
    let mut reader = Reader::from_str(page);
    let mut links = Vec::new();
    loop {
        match reader.read_event().expect("well formed") {
            Event::Start(element) | Event::Empty(element) => {
                for attribute in element.attributes().flatten() {
                    if attribute.key.as_ref() == b"href" {
                        links.push(attribute.unescape_value().expect("unescapes").into_owned());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    links
}
