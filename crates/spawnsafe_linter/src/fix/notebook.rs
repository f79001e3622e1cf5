//! Fixing a notebook in place: the fixed code is cut back into its cells, and
//! only the `"source"` of the cells that changed is rewritten in the JSON;
//! every other byte (outputs, metadata, key order, formatting) stays as it was.

use ruff_notebook::Notebook;
use ruff_text_size::TextSize;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Edit;

#[derive(Deserialize)]
struct RawNotebook<'a> {
    #[serde(borrow)]
    cells: Vec<RawCell<'a>>,
}

#[derive(Deserialize)]
struct RawCell<'a> {
    #[serde(borrow)]
    source: &'a RawValue,
}

/// The notebook JSON after `edits` (the edits applied to its concatenated
/// code cells, sorted, not overlapping) turned `old_code` into `new_code`.
pub fn updated_json(
    json: &str,
    old_code: &str,
    edits: &[Edit],
    new_code: &str,
) -> Result<String, String> {
    let notebook = Notebook::from_source_code(json).map_err(|err| err.to_string())?;
    if notebook.source_code() != old_code {
        return Err("the notebook's code is not what was checked".to_string());
    }
    let offsets: Vec<TextSize> = notebook.cell_offsets().to_vec();
    let raw_cells: Vec<usize> = notebook
        .index()
        .iter()
        .map(|start| start.cell_index().to_zero_indexed())
        .collect();
    // Each cell boundary moves by what the edits before it add or remove.
    let mut new_offsets = Vec::with_capacity(offsets.len());
    for &boundary in &offsets {
        let mut shift: i64 = 0;
        for edit in edits {
            if edit.range.start() < boundary && boundary < edit.range.end() {
                return Err("a fix would cross a cell boundary".to_string());
            }
            if edit.range.start() < boundary
                || (edit.range.is_empty() && edit.range.end() < boundary)
            {
                shift += edit.content.len() as i64 - i64::from(u32::from(edit.range.len()));
            }
        }
        new_offsets.push((i64::from(u32::from(boundary)) + shift) as usize);
    }
    let raw: RawNotebook = serde_json::from_str(json).map_err(|err| err.to_string())?;
    let mut replacements: Vec<(usize, usize, String)> = Vec::new();
    for (position, &raw_index) in raw_cells.iter().enumerate() {
        let (old_start, old_end) = (
            usize::from(offsets[position]),
            usize::from(offsets[position + 1]),
        );
        let (new_start, new_end) = (new_offsets[position], new_offsets[position + 1]);
        let old_cell = &old_code[old_start..old_end];
        let new_cell = new_code
            .get(new_start..new_end)
            .ok_or("a fix moved code across notebook cells")?;
        if old_cell == new_cell {
            continue;
        }
        // The concatenation ends each cell with one synthetic newline.
        let new_cell = new_cell
            .strip_suffix('\n')
            .ok_or("a fix removed the end of a notebook cell")?;
        let source = raw
            .cells
            .get(raw_index)
            .ok_or("the notebook has fewer cells than its index")?
            .source
            .get();
        let start = source.as_ptr() as usize - json.as_ptr() as usize;
        replacements.push((
            start,
            start + source.len(),
            format_source(json, start, source, new_cell),
        ));
    }
    let mut output = String::with_capacity(json.len() + 256);
    let mut last = 0;
    for (start, end, text) in replacements {
        output.push_str(&json[last..start]);
        output.push_str(&text);
        last = end;
    }
    output.push_str(&json[last..]);
    Ok(output)
}

/// A cell's new `"source"` value, written the way the old one was: a string,
/// or an array of lines laid out like the old array.
fn format_source(json: &str, start: usize, old: &str, code: &str) -> String {
    let quote = |line: &str| serde_json::to_string(line).expect("strings serialize");
    if old.starts_with('"') {
        return quote(code);
    }
    let lines: Vec<String> = code.split_inclusive('\n').map(quote).collect();
    if lines.is_empty() {
        return "[]".to_string();
    }
    let inner = old.trim_start_matches('[').trim_end_matches(']');
    if !old.contains('\n') && !inner.trim().is_empty() {
        return format!("[{}]", lines.join(", "));
    }
    // Jupyter's layout: one line per element, indented one space more than the key.
    let key_indent = {
        let line_start = json[..start].rfind('\n').map_or(0, |at| at + 1);
        json[line_start..start]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect::<String>()
    };
    let element_indent = old
        .find('"')
        .map(|quote_at| {
            old[..quote_at]
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|_| !inner.trim().is_empty())
        .unwrap_or_else(|| format!("{key_indent} "));
    let closing_indent = old
        .rfind('\n')
        .map(|at| old[at + 1..old.len() - 1].to_string())
        .unwrap_or(key_indent);
    format!(
        "[\n{element_indent}{}\n{closing_indent}]",
        lines.join(&format!(",\n{element_indent}"))
    )
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextRange;

    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {"z": 1, "a": 2},
   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1.50\n"]}],
   "source": [
    "import os\n",
    "x = 1"
   ]
  },
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["# Title"]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "y = 2"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

    #[test]
    fn only_the_changed_sources_are_rewritten() {
        let notebook = Notebook::from_source_code(NOTEBOOK).unwrap();
        let code = notebook.source_code().to_string();
        assert_eq!(code, "import os\nx = 1\ny = 2\n");
        let at = TextSize::try_from(code.find("x = 1").unwrap()).unwrap();
        let edit = Edit::insertion("import sys\n", at);
        let new_code = "import os\nimport sys\nx = 1\ny = 2\n".to_string();
        let json = updated_json(NOTEBOOK, &code, &[edit], &new_code).unwrap();
        assert_eq!(
            json,
            NOTEBOOK.replace(
                "    \"import os\\n\",\n    \"x = 1\"",
                "    \"import os\\n\",\n    \"import sys\\n\",\n    \"x = 1\""
            )
        );
        let end = TextSize::try_from(code.len() - 1).unwrap();
        let edit = Edit::replacement("z = 3", TextRange::new(end - TextSize::from(5), end));
        let new_code = "import os\nx = 1\nz = 3\n";
        let json = updated_json(NOTEBOOK, &code, &[edit], new_code).unwrap();
        assert_eq!(json, NOTEBOOK.replace("\"y = 2\"", "\"z = 3\""));
    }
}
