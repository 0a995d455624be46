//! A unified diff of two texts, line by line, with three lines of context, as `diff -u` and
//! `git diff` print it. Manifests are small, so a longest-common-subsequence table (lines of
//! one × lines of the other) is fast enough and gives the shortest edit.

/// One line of the edit script.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Line<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

const CONTEXT: usize = 3;

/// The hunks of `old` → `new` (without the `---`/`+++` header); empty when they are equal.
pub fn unified(old: &str, new: &str) -> String {
    let script = edit_script(&old.lines().collect::<Vec<_>>(), &new.lines().collect::<Vec<_>>());
    // Changes whose contexts touch or overlap share a hunk, as in `diff -u`.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for at in (0..script.len()).filter(|&i| !matches!(script[i], Line::Same(_))) {
        match groups.last_mut() {
            Some((_, last)) if at <= *last + 2 * CONTEXT + 1 => *last = at,
            _ => groups.push((at, at)),
        }
    }
    groups.into_iter().map(|(first, last)| hunk(&script, first.saturating_sub(CONTEXT), (last + CONTEXT + 1).min(script.len()))).collect()
}

fn hunk(script: &[Line], start: usize, end: usize) -> String {
    // Line numbers (1-based) where the hunk starts in each text.
    let before = &script[..start];
    let old_start = before.iter().filter(|l| !matches!(l, Line::Added(_))).count() + 1;
    let new_start = before.iter().filter(|l| !matches!(l, Line::Removed(_))).count() + 1;
    let lines = &script[start..end];
    let old_count = lines.iter().filter(|l| !matches!(l, Line::Added(_))).count();
    let new_count = lines.iter().filter(|l| !matches!(l, Line::Removed(_))).count();
    let mut out = format!("@@ -{old_start},{old_count} +{new_start},{new_count} @@\n");
    for line in lines {
        let (sign, text) = match line {
            Line::Same(t) => (' ', t),
            Line::Removed(t) => ('-', t),
            Line::Added(t) => ('+', t),
        };
        out.push(sign);
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// The shortest edit from `old` to `new`, removals before additions at each place.
fn edit_script<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Line<'a>> {
    // common[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0u32; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] { common[i + 1][j + 1] + 1 } else { common[i + 1][j].max(common[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut script) = (0, 0, Vec::with_capacity(old.len() + new.len()));
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            script.push(Line::Same(old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            script.push(Line::Removed(old[i]));
            i += 1;
        } else {
            script.push(Line::Added(new[j]));
            j += 1;
        }
    }
    script
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn one_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(unified(old, new), "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
    }

    #[test]
    fn far_apart_changes_are_two_hunks_and_equal_texts_none() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new = old.replace("2\n", "two\n").replace("17\n", "seventeen\n");
        let hunks = unified(&old, &new);
        assert_eq!(hunks.matches("@@ -").count(), 2, "{hunks}");
        assert!(hunks.starts_with("@@ -1,6 +1,6 @@\n 0\n 1\n-2\n+two\n 3\n 4\n 5\n"), "{hunks}");
        assert_eq!(unified(&old, &old), "");
    }

    #[test]
    fn additions_at_the_end() {
        assert_eq!(unified("a\n", "a\nb\n"), "@@ -1,1 +1,2 @@\n a\n+b\n");
    }
}
