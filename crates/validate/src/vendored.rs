//! The schemas kept in `vendor/` (see `vendor/SOURCES.md`), read once per process.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value as Json};

/// Kubernetes' own kinds (v1.33), compacted by `examples/vendor_kubernetes.rs`.
const KUBERNETES: &str = include_str!("../vendor/kubernetes/v1.33.json");

/// Upstream CRDs, byte for byte.
const CRDS: &[(&str, &str)] = &[
    ("argoproj.io/configmanagementplugin.yaml", include_str!("../vendor/crds/argoproj.io/configmanagementplugin.yaml")),
    ("argoproj.io/rollouts-analysis-template-crd.yaml", include_str!("../vendor/crds/argoproj.io/rollouts-analysis-template-crd.yaml")),
    ("argoproj.io/rollouts-rollout-crd.yaml", include_str!("../vendor/crds/argoproj.io/rollouts-rollout-crd.yaml")),
    ("cert-manager.io/cert-manager.io_certificates.yaml", include_str!("../vendor/crds/cert-manager.io/cert-manager.io_certificates.yaml")),
    (
        "external-secrets.io/external-secrets.io_externalsecrets.yaml",
        include_str!("../vendor/crds/external-secrets.io/external-secrets.io_externalsecrets.yaml"),
    ),
    ("iam.cnrm.cloud.google.com/iampolicymembers.yaml", include_str!("../vendor/crds/iam.cnrm.cloud.google.com/iampolicymembers.yaml")),
    ("iam.cnrm.cloud.google.com/iamserviceaccounts.yaml", include_str!("../vendor/crds/iam.cnrm.cloud.google.com/iamserviceaccounts.yaml")),
    ("keda.sh/keda.sh_scaledobjects.yaml", include_str!("../vendor/crds/keda.sh/keda.sh_scaledobjects.yaml")),
    ("keda.sh/keda.sh_triggerauthentications.yaml", include_str!("../vendor/crds/keda.sh/keda.sh_triggerauthentications.yaml")),
    (
        "monitoring.coreos.com/monitoring.coreos.com_podmonitors.yaml",
        include_str!("../vendor/crds/monitoring.coreos.com/monitoring.coreos.com_podmonitors.yaml"),
    ),
    (
        "pubsub.cnrm.cloud.google.com/pubsubsubscriptions.yaml",
        include_str!("../vendor/crds/pubsub.cnrm.cloud.google.com/pubsubsubscriptions.yaml"),
    ),
    ("pubsub.cnrm.cloud.google.com/pubsubtopics.yaml", include_str!("../vendor/crds/pubsub.cnrm.cloud.google.com/pubsubtopics.yaml")),
    (
        "traefik.containo.us/kubernetes-crd-definition-v1.yaml",
        include_str!("../vendor/crds/traefik.containo.us/kubernetes-crd-definition-v1.yaml"),
    ),
    ("traefik.io/kubernetes-crd-definition-v1.yaml", include_str!("../vendor/crds/traefik.io/kubernetes-crd-definition-v1.yaml")),
];

/// Where a kind's schema comes from.
pub enum Found<'a> {
    /// One of Kubernetes' own kinds: its definition.
    Kubernetes(&'a Json),
    /// A custom kind: its CRD's `openAPIV3Schema` for the version.
    Crd(&'a Json),
    /// The kind has a CRD here, but not that version (or the version is not served).
    VersionNotServed { served: Vec<String> },
    /// No schema for that kind here.
    Unknown,
}

pub struct Vendored {
    /// `apps/v1/Deployment` to its definition.
    kinds: HashMap<String, Json>,
    pub definitions: Map<String, Json>,
    /// `(group, kind)` to its served versions and their schemas.
    crds: HashMap<(String, String), Vec<(String, Json)>>,
}

pub fn vendored() -> &'static Vendored {
    static VENDORED: OnceLock<Vendored> = OnceLock::new();
    VENDORED.get_or_init(load)
}

impl Vendored {
    pub fn find(&self, api_version: &str, kind: &str) -> Found<'_> {
        if let Some(name) = self.kinds.get(&format!("{api_version}/{kind}")).and_then(Json::as_str) {
            return self.definitions.get(name).map_or(Found::Unknown, Found::Kubernetes);
        }
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        match self.crds.get(&(group.to_string(), kind.to_string())) {
            None => Found::Unknown,
            Some(versions) => match versions.iter().find(|(name, _)| name == version) {
                Some((_, schema)) => Found::Crd(schema),
                None => Found::VersionNotServed { served: versions.iter().map(|(name, _)| format!("{group}/{name}")).collect() },
            },
        }
    }

    /// The kinds with a schema here, as `apiVersion/Kind`.
    pub fn kinds(&self) -> Vec<String> {
        let core = self.kinds.keys().cloned();
        let custom =
            self.crds.iter().flat_map(|((group, kind), versions)| versions.iter().map(move |(v, _)| format!("{group}/{v}/{kind}")));
        let mut all: Vec<String> = core.chain(custom).collect();
        all.sort();
        all
    }
}

fn load() -> Vendored {
    let mut kubernetes: Json = serde_json::from_str(KUBERNETES).expect("vendor/kubernetes/v1.33.json is JSON");
    let kinds = kubernetes["kinds"].as_object().cloned().unwrap_or_default().into_iter().collect();
    let definitions = match kubernetes["definitions"].take() {
        Json::Object(map) => map,
        _ => Map::new(),
    };
    let mut crds: HashMap<(String, String), Vec<(String, Json)>> = HashMap::new();
    for (path, text) in CRDS {
        let items = lummo_krm::ResourceList::read_file(path, text.as_bytes().to_vec()).expect("a vendored CRD file reads");
        for item in items.iter().filter(|item| item.kind() == "CustomResourceDefinition") {
            let crd = item.node().to_json();
            let group = crd["spec"]["group"].as_str().unwrap_or_default().to_string();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default().to_string();
            let served = crd["spec"]["versions"].as_array().into_iter().flatten().filter(|v| v["served"] != Json::Bool(false));
            let versions =
                served.map(|v| (v["name"].as_str().unwrap_or_default().to_string(), v["schema"]["openAPIV3Schema"].clone())).collect();
            crds.insert((group, kind), versions);
        }
    }
    Vendored { kinds, definitions, crds }
}
