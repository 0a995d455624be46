//! The YAML text of items: a stream with `---` between them, each written on whichever core
//! is free. What a package's file, stdout and ArgoCD get.

use std::ops::Deref;

use lummo_krm::Item;

use crate::parallel;

/// A YAML stream of `items` (each written on whichever core is free).
pub fn stream<T: Deref<Target = Item> + Sync>(items: &[T]) -> Result<String, String> {
    let texts = parallel::map(items, |item| item.to_yaml());
    let mut out = String::with_capacity(texts.iter().map(|t| t.as_ref().map_or(0, |t| t.len() + 4)).sum());
    for (i, text) in texts.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&text?);
    }
    Ok(out)
}
