//! `LummoContainer` templates: a container defined once and reused with `extends`.
//!
//! Merge rules, applied from the base template up to the container that uses it:
//! - scalars (`name`, `image`, `readOnlyRootFilesystem`) override;
//! - `command` and `args` replace the whole list;
//! - `env` and `ports` merge by name, the later value winning;
//! - `configs` and `secrets` are the union, base entries first, without repeats;
//! - `resources` merge field by field (`cpu`, `memory`, `limits.cpu`, `limits.memory`);
//! - `probes` merge by kind (`readiness`, `liveness`, `startup`), each probe replaced whole;
//!   `probes: none` replaces them all, and probes over a base's `none` replace it.

use std::collections::BTreeMap;

use lummo_krm::schema::did_you_mean;

use crate::spec::{ContainerSpec, Limits, Probes, ProbesSpec, Resources};

/// Layers `over` on top of `base` by the rules above.
pub fn merge(base: &ContainerSpec, over: &ContainerSpec) -> ContainerSpec {
    fn union<T: Clone + PartialEq>(base: &Option<Vec<T>>, over: &Option<Vec<T>>) -> Option<Vec<T>> {
        match (base, over) {
            (Some(b), Some(o)) => Some(b.iter().chain(o).fold(Vec::new(), |mut all, x| {
                if !all.contains(x) {
                    all.push(x.clone());
                }
                all
            })),
            _ => over.clone().or_else(|| base.clone()),
        }
    }
    fn by_name<V: Clone>(base: &Option<BTreeMap<String, V>>, over: &Option<BTreeMap<String, V>>) -> Option<BTreeMap<String, V>> {
        match (base, over) {
            (Some(b), Some(o)) => Some(b.iter().chain(o).map(|(k, v)| (k.clone(), v.clone())).collect()),
            _ => over.clone().or_else(|| base.clone()),
        }
    }
    let resources = match (&base.resources, &over.resources) {
        (Some(b), Some(o)) => Some(Resources {
            cpu: o.cpu.clone().or_else(|| b.cpu.clone()),
            memory: o.memory.clone().or_else(|| b.memory.clone()),
            limits: match (&b.limits, &o.limits) {
                (Some(bl), Some(ol)) => {
                    Some(Limits { cpu: ol.cpu.clone().or_else(|| bl.cpu.clone()), memory: ol.memory.clone().or_else(|| bl.memory.clone()) })
                }
                (bl, ol) => ol.clone().or_else(|| bl.clone()),
            },
        }),
        (b, o) => o.clone().or_else(|| b.clone()),
    };
    let probes = match (&base.probes, &over.probes) {
        (Some(ProbesSpec::Probes(b)), Some(ProbesSpec::Probes(o))) => Some(ProbesSpec::Probes(Box::new(Probes {
            readiness: o.readiness.clone().or_else(|| b.readiness.clone()),
            liveness: o.liveness.clone().or_else(|| b.liveness.clone()),
            startup: o.startup.clone().or_else(|| b.startup.clone()),
        }))),
        (b, o) => o.clone().or_else(|| b.clone()),
    };
    ContainerSpec {
        name: over.name.clone().or_else(|| base.name.clone()),
        extends: None,
        image: over.image.clone().or_else(|| base.image.clone()),
        command: over.command.clone().or_else(|| base.command.clone()),
        args: over.args.clone().or_else(|| base.args.clone()),
        ports: by_name(&base.ports, &over.ports),
        configs: union(&base.configs, &over.configs),
        secrets: union(&base.secrets, &over.secrets),
        env: match (&base.env, &over.env) {
            (Some(b), Some(o)) => Some(b.merged(o)),
            (b, o) => o.clone().or_else(|| b.clone()),
        },
        resources,
        probes,
        read_only_root_filesystem: over.read_only_root_filesystem.or(base.read_only_root_filesystem),
    }
}

/// The LummoContainers of a run, by name.
pub struct Templates<'a> {
    pub by_name: BTreeMap<&'a str, &'a ContainerSpec>,
}

impl Templates<'_> {
    /// Applies the chain of templates `container` extends. Errors name the chain.
    pub fn resolve(&self, container: &ContainerSpec) -> Result<ContainerSpec, String> {
        let mut chain: Vec<&str> = Vec::new();
        let mut layers = vec![container];
        let mut next = container.extends.as_deref();
        while let Some(name) = next {
            if chain.contains(&name) {
                chain.push(name);
                return Err(format!("a cycle of LummoContainers: {}", chain.join(" extends ")));
            }
            chain.push(name);
            let Some(template) = self.by_name.get(name) else {
                let hint = match did_you_mean(name, self.by_name.keys().copied()) {
                    Some(known) => format!(", did you mean {known:?}?"),
                    None if self.by_name.is_empty() => " (there are none in this package)".into(),
                    None => format!(" (known: {})", self.by_name.keys().copied().collect::<Vec<_>>().join(", ")),
                };
                let via = if chain.len() > 1 { format!(" (via {})", chain[..chain.len() - 1].join(" extends ")) } else { String::new() };
                return Err(format!("unknown LummoContainer {name:?}{via}{hint}"));
            };
            layers.push(template);
            next = template.extends.as_deref();
        }
        Ok(layers.iter().rev().fold(ContainerSpec::default(), |resolved, layer| merge(&resolved, layer)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{NoProbes, Ordered, Probe, Scalar, Verbatim};

    fn container(image: Option<&str>, extends: Option<&str>) -> ContainerSpec {
        ContainerSpec { image: image.map(String::from), extends: extends.map(String::from), ..ContainerSpec::default() }
    }

    #[test]
    fn maps_merge_lists_union_and_scalars_override() {
        let base = ContainerSpec {
            image: Some("base:1".into()),
            command: Some(vec!["a".into(), "b".into()]),
            configs: Some(vec!["shared".into(), "base".into()]),
            env: Some(Ordered(vec![("A".into(), Verbatim("1".into())), ("B".into(), Verbatim("1".into()))])),
            resources: Some(Resources { cpu: Some(Scalar::Text("100m".into())), memory: Some(Scalar::Text("1Gi".into())), limits: None }),
            ..ContainerSpec::default()
        };
        let over = ContainerSpec {
            command: Some(vec!["c".into()]),
            configs: Some(vec!["own".into(), "shared".into()]),
            env: Some(Ordered(vec![("B".into(), Verbatim("2".into())), ("C".into(), Verbatim("$(B)".into()))])),
            resources: Some(Resources { memory: Some(Scalar::Text("2Gi".into())), ..Resources::default() }),
            ..ContainerSpec::default()
        };
        let merged = merge(&base, &over);
        assert_eq!(merged.image.as_deref(), Some("base:1"));
        assert_eq!(merged.command, Some(vec!["c".to_string()]));
        assert_eq!(merged.configs, Some(vec!["shared".into(), "base".into(), "own".into()]));
        let env: Vec<(String, String)> = merged.env.unwrap().iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
        assert_eq!(env, [("A".into(), "1".into()), ("B".into(), "2".into()), ("C".into(), "$(B)".into())]);
        let resources = merged.resources.unwrap();
        assert_eq!((resources.cpu, resources.memory), (Some(Scalar::Text("100m".into())), Some(Scalar::Text("2Gi".into()))));
    }

    #[test]
    fn probes_none_replaces_probes_and_probes_replace_none() {
        let readiness = Probe { tcp: Some("http".into()), ..Probe::default() };
        let some = ContainerSpec {
            probes: Some(ProbesSpec::Probes(Box::new(Probes { readiness: Some(readiness), ..Probes::default() }))),
            ..ContainerSpec::default()
        };
        let none = ContainerSpec { probes: Some(ProbesSpec::Off(NoProbes::None)), ..ContainerSpec::default() };
        assert_eq!(merge(&some, &none).probes, none.probes);
        assert_eq!(merge(&none, &some).probes, some.probes);
        assert_eq!(merge(&none, &ContainerSpec::default()).probes, none.probes);
    }

    #[test]
    fn chains_resolve_and_cycles_and_unknown_names_are_errors() {
        let (a, b, c) = (container(Some("a"), None), container(Some("b"), Some("a")), container(None, Some("b")));
        let templates = Templates { by_name: BTreeMap::from([("a", &a), ("b", &b), ("c", &c)]) };
        assert_eq!(templates.resolve(&container(None, Some("c"))).unwrap().image.as_deref(), Some("b"));
        let (x, y) = (container(None, Some("y")), container(None, Some("x")));
        let cyclic = Templates { by_name: BTreeMap::from([("x", &x), ("y", &y)]) };
        assert_eq!(cyclic.resolve(&container(None, Some("x"))).unwrap_err(), "a cycle of LummoContainers: x extends y extends x");
        assert_eq!(templates.resolve(&container(None, Some("bb"))).unwrap_err(), "unknown LummoContainer \"bb\", did you mean \"b\"?");
    }
}
