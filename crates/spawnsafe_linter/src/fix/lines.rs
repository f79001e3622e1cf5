//! Line arithmetic on source text for the edit builders, for every line
//! ending Python accepts (`\n`, `\r\n`, `\r`).

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |at| at + 1)
}

/// The offset just past the line ending of the line holding `offset` (the
/// end of the text for a last line without one).
pub fn line_end(text: &str, offset: usize) -> usize {
    match text[offset..].find(['\n', '\r']) {
        Some(at) => {
            let at = offset + at;
            if text[at..].starts_with("\r\n") {
                at + 2
            } else {
                at + 1
            }
        }
        None => text.len(),
    }
}

/// The start of the line before the one starting at `start`.
pub fn previous_line(text: &str, start: usize) -> Option<usize> {
    (start > 0).then(|| {
        let ending = if text[..start].ends_with("\r\n") {
            2
        } else {
            1
        };
        line_start(text, start - ending)
    })
}
