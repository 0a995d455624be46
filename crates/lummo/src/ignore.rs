//! `.krmignore`: files of a package that kpt does not read, in gitignore's syntax (the common
//! part of it: `#` comments, `*` and `?` within a name, `**` across folders, a leading `/`
//! anchoring to the package, a trailing `/` for folders only, and `!` to take a file back).

use crate::confined::{Folder, RelativePath};

pub struct Ignore {
    patterns: Vec<Pattern>,
}

struct Pattern {
    /// Name segments to match, `**` for any number of folders.
    segments: Vec<String>,
    /// Matches at any depth (no `/` inside the pattern).
    floating: bool,
    folders_only: bool,
    negated: bool,
}

impl Ignore {
    /// The package's `.krmignore`, when it is a regular file of it (a symlink, a FIFO or a file
    /// over the size limit counts as none).
    pub fn read(package: &Folder) -> Ignore {
        let path = RelativePath::new(".krmignore").expect("a plain name");
        let text = package.read(&path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default();
        Ignore { patterns: text.lines().filter_map(Pattern::parse).collect() }
    }

    /// Whether `relative` (a path below the package, with `/`) is left out.
    pub fn matches(&self, relative: &str, is_dir: bool) -> bool {
        let segments: Vec<&str> = relative.split('/').collect();
        let mut ignored = false;
        for pattern in &self.patterns {
            if pattern.folders_only && !is_dir {
                continue;
            }
            if pattern.matches(&segments) {
                ignored = !pattern.negated;
            }
        }
        ignored
    }
}

impl Pattern {
    fn parse(line: &str) -> Option<Pattern> {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (negated, line) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let (folders_only, line) = match line.strip_suffix('/') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let floating = !line.contains('/');
        let line = line.trim_start_matches('/');
        // A pattern that ignores a folder also ignores what is inside it: the walk skips the
        // folder, so only folder and file names are ever matched.
        let segments = line.split('/').map(String::from).collect();
        Some(Pattern { segments, floating, folders_only, negated })
    }

    fn matches(&self, path: &[&str]) -> bool {
        if self.floating {
            return path.last().is_some_and(|name| glob(&self.segments[0], name));
        }
        segments_match(&self.segments, path)
    }
}

fn segments_match(pattern: &[String], path: &[&str]) -> bool {
    match (pattern.first(), path.first()) {
        (None, None) => true,
        (Some(p), _) if p == "**" => (0..=path.len()).any(|skip| segments_match(&pattern[1..], &path[skip..])),
        (Some(p), Some(name)) => glob(p, name) && segments_match(&pattern[1..], &path[1..]),
        _ => false,
    }
}

/// `*` (any run of characters) and `?` (one character) within one name.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> Ignore {
        Ignore { patterns: text.lines().filter_map(Pattern::parse).collect() }
    }

    #[test]
    fn gitignore_patterns() {
        let rules = ignore("# comment\nnode_modules\n/build/\n*.tmp.yaml\ndocs/**/*.yaml\n!docs/keep.yaml\n");
        assert!(rules.matches("node_modules", true) && rules.matches("a/node_modules", true));
        assert!(rules.matches("build", true) && !rules.matches("build", false) && !rules.matches("a/build", true));
        assert!(rules.matches("x.tmp.yaml", false) && rules.matches("deep/x.tmp.yaml", false));
        assert!(rules.matches("docs/a/b/c.yaml", false) && rules.matches("docs/c.yaml", false));
        assert!(!rules.matches("docs/keep.yaml", false) && !rules.matches("app.yaml", false));
        assert!(glob("a*b?c", "axxbyc") && !glob("a*b?c", "abc"));
    }
}
