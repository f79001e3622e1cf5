//! Re-analysing only what an edit can change.
//!
//! The last check's inputs and findings are kept. When the next check differs
//! from it only in the text of a few files, the files whose findings can
//! depend on an edited one are found in an import graph read from the bytes:
//! the *affected* files are the edited ones' connected component in that
//! graph, taken without direction (what they import, what imports them, and
//! on, with the edges before and after the edit). Those files are checked
//! again, together with every other file whose import statements name one of
//! their module stems (the linter counts such a file as an importer; its
//! findings are not kept), and their findings replace the old ones; every
//! other file keeps its findings.
//!
//! The graph errs towards more edges than the engine resolves, so that the
//! component holds every file a finding can come from. File `x` may import
//! file `y` when `x`'s import statements name `y`'s top-level package (an
//! absolute import, and any module below it reached as `pkg.sub.mod`), or,
//! both being under the same top-level name, one part of `y`'s dotted name
//! (a relative import). A test checks random edit sequences against a full
//! check (the tests below).

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashSet;
use std::path::{Path, PathBuf};

use spawnsafe_linter::diagnostic::Diagnostic;
use spawnsafe_linter::linter::InputFile;
use spawnsafe_linter::prefilter;
use spawnsafe_linter::project::module_path;

/// What one file contributes to the import graph.
#[derive(Debug, Clone)]
struct Node {
    /// The dotted module name's parts (`pkg`, `sub`, `mod`).
    parts: Vec<String>,
    /// The directory its module name is relative to.
    root: PathBuf,
    /// The name other files import it by (see [`prefilter::module_stem`]).
    stem: Option<String>,
    /// The identifiers of its `import` and `from` statements.
    imported: HashSet<String>,
}

impl Node {
    fn top(&self) -> &str {
        self.parts.first().map_or("", String::as_str)
    }
}

/// The last check: its inputs' texts, graph and findings.
pub struct LastCheck {
    paths: Vec<PathBuf>,
    /// The names import statements may use to reach the inputs.
    names: FxHashSet<String>,
    texts: Vec<Option<String>>,
    nodes: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<String>,
}

fn text_of(input: &InputFile) -> Option<&str> {
    input
        .source
        .as_ref()
        .ok()
        .map(|source| source.text.as_str())
}

/// The graph's nodes for `inputs`: `names` holds every name worth keeping
/// from import statements (each file's stem and dotted name parts).
fn node(
    input: &InputFile,
    names: &FxHashSet<String>,
    has_init: &mut impl FnMut(&Path) -> bool,
) -> Node {
    let absolute = std::path::absolute(&input.path).unwrap_or_else(|_| input.path.clone());
    let path = module_path(&absolute, has_init);
    let imported = text_of(input)
        .map(|text| {
            prefilter::scan_file(text, names)
                .imported
                .into_iter()
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Node {
        parts: path.name.split('.').map(str::to_string).collect(),
        root: path.root,
        stem: prefilter::module_stem(&input.path),
        imported,
    }
}

/// The names a file's import statements may use to reach any of `inputs`.
fn names_of(inputs: &[InputFile], has_init: &mut impl FnMut(&Path) -> bool) -> FxHashSet<String> {
    let mut names = FxHashSet::default();
    for input in inputs {
        let absolute = std::path::absolute(&input.path).unwrap_or_else(|_| input.path.clone());
        names.extend(
            module_path(&absolute, has_init)
                .name
                .split('.')
                .map(str::to_string),
        );
        names.extend(prefilter::module_stem(&input.path));
    }
    names
}

fn init_cache() -> impl FnMut(&Path) -> bool {
    let mut cache: HashMap<PathBuf, bool> = HashMap::new();
    move |directory: &Path| {
        *cache
            .entry(directory.to_path_buf())
            .or_insert_with(|| directory.join("__init__.py").is_file())
    }
}

impl LastCheck {
    /// Keeps a full check of `inputs`.
    pub fn new(inputs: &[InputFile], diagnostics: Vec<Diagnostic>, warnings: Vec<String>) -> Self {
        let mut has_init = init_cache();
        let names = names_of(inputs, &mut has_init);
        LastCheck {
            paths: inputs.iter().map(|input| input.path.clone()).collect(),
            names: names.clone(),
            texts: inputs
                .iter()
                .map(|input| text_of(input).map(str::to_string))
                .collect(),
            nodes: inputs
                .iter()
                .map(|input| node(input, &names, &mut has_init))
                .collect(),
            diagnostics,
            warnings,
        }
    }

    /// The files whose text differs from the last check's, when the inputs
    /// are the same files; `None` when a full check is needed.
    pub fn changed(&self, inputs: &[InputFile]) -> Option<Vec<usize>> {
        if inputs.len() != self.paths.len()
            || inputs
                .iter()
                .zip(&self.paths)
                .any(|(input, path)| &input.path != path)
        {
            return None;
        }
        Some(
            inputs
                .iter()
                .zip(&self.texts)
                .enumerate()
                .filter(|(_, (input, text))| text_of(input) != text.as_deref())
                .map(|(index, _)| index)
                .collect(),
        )
    }

    /// The edited files' component (the files whose findings can change),
    /// and the files to check with them (the component, and the files that
    /// name one of its module stems in an import statement), given the new
    /// inputs. Updates the graph to the new texts.
    pub fn affected(&mut self, inputs: &[InputFile], changed: &[usize]) -> (Vec<bool>, Vec<bool>) {
        let mut has_init = init_cache();
        let names = &self.names;
        // The edges before and after the edit: an import removed can change
        // what the formerly imported module is.
        let mut nodes = self.nodes.clone();
        for &index in changed {
            let new = node(&inputs[index], names, &mut has_init);
            nodes[index].imported.extend(new.imported.iter().cloned());
            self.nodes[index] = new;
        }
        for (index, input) in inputs.iter().enumerate() {
            self.texts[index] = text_of(input).map(str::to_string);
        }
        // Who names what, and which files sit under each top-level name.
        let mut naming: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut under_top: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, node) in nodes.iter().enumerate() {
            for name in &node.imported {
                naming.entry(name).or_default().push(index);
            }
            under_top.entry(node.top()).or_default().push(index);
        }
        let mut component = vec![false; nodes.len()];
        let mut queue: Vec<usize> = changed.to_vec();
        for &index in changed {
            component[index] = true;
        }
        while let Some(x) = queue.pop() {
            let here = &nodes[x];
            let mut neighbours: Vec<usize> = Vec::new();
            // What `x` may import.
            for name in &here.imported {
                if let Some(files) = under_top.get(name.as_str()) {
                    neighbours.extend(files);
                }
            }
            if let Some(files) = under_top.get(here.top()) {
                neighbours.extend(files.iter().filter(|&&y| {
                    nodes[y]
                        .parts
                        .iter()
                        .any(|part| here.imported.contains(part))
                }));
            }
            // What may import `x`.
            if let Some(files) = naming.get(here.top()) {
                neighbours.extend(files);
            }
            for part in &here.parts {
                if let Some(files) = naming.get(part.as_str()) {
                    neighbours.extend(files.iter().filter(|&&z| nodes[z].top() == here.top()));
                }
            }
            for y in neighbours {
                if !component[y] {
                    component[y] = true;
                    queue.push(y);
                }
            }
        }
        let mut checked = component.clone();
        for (y, node) in nodes.iter().enumerate() {
            if !component[y] {
                continue;
            }
            let Some(stem) = &node.stem else { continue };
            for &z in naming.get(stem.as_str()).into_iter().flatten() {
                if nodes[z].root == node.root {
                    checked[z] = true;
                }
            }
        }
        (component, checked)
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{canonical, check, Document, Workspace};
    use spawnsafe_linter::settings::Overrides;
    use std::path::PathBuf;

    /// A project of several packages whose modules share names (`pool`,
    /// `helpers`), with entry scripts that reach pools in other modules.
    const FILES: &[(&str, &str)] = &[
        ("pkg/__init__.py", ""),
        (
            "pkg/pool.py",
            "import multiprocessing\n\ndef run(values):\n    with multiprocessing.Pool(2) as p:\n        return p.map(abs, values)\n",
        ),
        (
            "pkg/helpers.py",
            "from . import pool\n\ndef go():\n    return pool.run([1, 2])\n",
        ),
        ("other/__init__.py", ""),
        (
            "other/pool.py",
            "from concurrent.futures import ProcessPoolExecutor\n\ndef start(f):\n    with ProcessPoolExecutor() as executor:\n        return executor.submit(f, 1)\n",
        ),
        ("other/helpers.py", "def plain():\n    return 1\n"),
        ("main.py", "from pkg import helpers\n\nhelpers.go()\n"),
        (
            "script.py",
            "from other import pool\n\nif __name__ == '__main__':\n    pool.start(abs)\n",
        ),
        ("tools.py", "import json\n\ndef dump(x):\n    return json.dumps(x)\n"),
        // `worker.py` is an entry script (SPS101) unless something imports
        // it (SPS103): the linter counts `other/uses.py` by the name alone.
        ("worker.py", "import multiprocessing\nmultiprocessing.Pool(2)\n"),
        ("other/uses.py", "from . import worker\n"),
    ];

    /// Lines an edit may add to a file, or take away.
    const SNIPPETS: &[&str] = &[
        "import multiprocessing as mp\nmp.Pool()\n",
        "from pkg import helpers\nhelpers.go()\n",
        "from other import pool\npool.start(lambda x: x)\n",
        "from . import pool\npool.run([3])\n",
        "import multiprocessing\nmultiprocessing.set_start_method('spawn')\n",
        "from pkg import pool\n",
        "def go():\n    return 2\n",
        "if __name__ == 'main':\n    pass\n",
        "x = (\n",
        "import tools\ntools.dump(1)\n",
        "from multiprocessing import Process\nProcess(target=lambda: 1).start()\n",
        "# a comment\n",
        "from . import worker\n",
        "import worker\n",
    ];

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    fn findings(workspace: &mut Workspace, root: &PathBuf, documents: &[Document]) -> Vec<String> {
        let documents: Vec<&Document> = documents.iter().collect();
        let result = check(
            workspace,
            std::slice::from_ref(root),
            &documents,
            &Overrides::default(),
        )
        .expect("the check runs");
        result
            .diagnostics
            .iter()
            .map(|diagnostic| {
                format!(
                    "{}:{:?} {} {}",
                    diagnostic.file.display_path,
                    diagnostic.range,
                    diagnostic.rule.code(),
                    diagnostic.message
                )
            })
            .collect()
    }

    /// Random edit sequences: after each edit, the findings of the kept
    /// project model re-analysing the affected files equal those of a full
    /// check from scratch.
    #[test]
    fn random_edits_give_the_findings_of_a_full_check() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in FILES {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let root = canonical(dir.path());
        for seed in 0..6u64 {
            let mut rng = Rng(seed);
            let mut documents: Vec<Document> = FILES
                .iter()
                .map(|(name, text)| {
                    let path = root.join(name);
                    Document {
                        uri: format!("file://{}", path.display()),
                        path,
                        text: text.to_string(),
                        version: Some(0),
                    }
                })
                .collect();
            let mut kept = Workspace::default();
            assert_eq!(
                findings(&mut kept, &root, &documents),
                findings(&mut Workspace::default(), &root, &documents)
            );
            for step in 0..25 {
                let edits = 1 + usize::from(rng.below(4) == 0);
                for _ in 0..edits {
                    let document = &mut documents[rng.below(FILES.len())];
                    let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                    if document.text.contains(snippet) && rng.below(2) == 0 {
                        document.text = document.text.replacen(snippet, "", 1);
                    } else if rng.below(2) == 0 {
                        document.text.insert_str(0, snippet);
                    } else {
                        document.text.push_str(snippet);
                    }
                }
                let incremental = findings(&mut kept, &root, &documents);
                let full = findings(&mut Workspace::default(), &root, &documents);
                assert_eq!(
                    incremental,
                    full,
                    "seed {seed}, step {step}: {:#?}",
                    documents
                        .iter()
                        .map(|d| (&d.path, &d.text))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}
