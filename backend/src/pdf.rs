//! Printable documents. A small text-layout layer over `pdf-writer` with the standard
//! Helvetica fonts (no font files to ship), encoded as WinAnsi so Spanish accents print.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_W: f32 = 612.0; // US Letter, points
const PAGE_H: f32 = 792.0;
const MARGIN: f32 = 54.0;

/// What goes on the page, top to bottom.
pub enum Block {
    Title(String),
    Heading(String),
    /// A label and its value on one line.
    Field(String, String),
    Text(String),
    /// A labelled blank to fill in by hand.
    Blank(String),
    Gap,
}

/// Characters outside WinAnsi become '?', never an error: a document always prints.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// Wraps text to lines of at most `width` characters (Helvetica at 10pt fits ~95 per line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// One line of text placed on a page: bold?, size, x, y, WinAnsi bytes.
type Placed = (bool, f32, f32, f32, Vec<u8>);

/// Lays the blocks out on as many pages as they need.
pub fn render(blocks: &[Block], footer: &str) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };

    // Lines of (font, size, x, text); a new page when the current one is full.
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = PAGE_H - MARGIN;
    let put =
        |pages: &mut Vec<Vec<Placed>>, y: &mut f32, bold: bool, size: f32, x: f32, text: &str| {
            if *y < MARGIN + 40.0 {
                pages.push(Vec::new());
                *y = PAGE_H - MARGIN;
            }
            if let Some(p) = pages.last_mut() {
                p.push((bold, size, x, *y, win_ansi(text)));
            }
        };
    for b in blocks {
        match b {
            Block::Title(t) => {
                put(&mut pages, &mut y, true, 18.0, MARGIN, t);
                y -= 28.0;
            }
            Block::Heading(t) => {
                y -= 6.0;
                put(&mut pages, &mut y, true, 12.0, MARGIN, t);
                y -= 18.0;
            }
            Block::Field(label, value) => {
                put(&mut pages, &mut y, true, 10.0, MARGIN, label);
                let lines = wrap(value, 70);
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        y -= 13.0;
                    }
                    put(&mut pages, &mut y, false, 10.0, MARGIN + 150.0, l);
                }
                y -= 15.0;
            }
            Block::Text(t) => {
                for l in wrap(t, 95) {
                    put(&mut pages, &mut y, false, 10.0, MARGIN, &l);
                    y -= 13.0;
                }
                y -= 4.0;
            }
            Block::Blank(label) => {
                y -= 6.0;
                put(&mut pages, &mut y, true, 10.0, MARGIN, label);
                put(
                    &mut pages,
                    &mut y,
                    false,
                    10.0,
                    MARGIN + 150.0,
                    "______________________________________",
                );
                y -= 22.0;
            }
            Block::Gap => y -= 10.0,
        }
    }

    let page_refs: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    let content_refs: Vec<Ref> = pages.iter().map(|_| alloc()).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(i32::try_from(pages.len()).unwrap_or(1));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let total = pages.len();
    for (i, lines) in pages.iter().enumerate() {
        let (Some(page_ref), Some(content_ref)) = (page_refs.get(i), content_refs.get(i)) else {
            continue;
        };
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_ref);
        let mut res = page.resources();
        let mut fonts = res.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        res.finish();
        page.finish();

        let mut content = Content::new();
        for (is_bold, size, x, y, text) in lines {
            content.begin_text();
            content.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size);
            content.next_line(*x, *y);
            content.show(Str(text));
            content.end_text();
        }
        let foot = win_ansi(&format!("{footer}  —  {}/{total}", i + 1));
        content.begin_text();
        content.set_font(Name(b"F1"), 8.0);
        content.next_line(MARGIN, MARGIN - 20.0);
        content.show(Str(&foot));
        content.end_text();
        pdf.stream(*content_ref, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_pdf_with_accents_and_many_pages() {
        let mut blocks = vec![Block::Title("Hoja de instalación de medidor".into())];
        for i in 0..120 {
            blocks.push(Block::Field(format!("Línea {i}"), "Señal".into()));
        }
        let bytes = render(&blocks, "Cistern");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/Count 4") || text.contains("/Count 3"),
            "pages: {}",
            text.matches("/Type /Page\n").count()
        );
        // Non-ASCII text is written as a hex string: "ación" in WinAnsi is 61 63 69 F3 6E.
        assert!(
            text.to_ascii_uppercase().contains("616369F36E"),
            "accent not encoded as WinAnsi"
        );
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
    }
}
