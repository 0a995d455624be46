//! Argo Rollouts' Traefik traffic routing, for an app whose workload is a canary Rollout.
//!
//! Without it, Argo Rollouts approximates a step's weight with pods (30% of two replicas is one
//! canary pod beside two stable ones, a third of the requests). With it, each weight is a share
//! of requests: Argo Rollouts points a stable and a canary Service at the two ReplicaSets and
//! sets the weights of a weighted TraefikService over them, which the routes go through.
//! Networking generates the two Services (copies of the app's, by port and selector) and the
//! TraefikService, points the routes at it, and names all three in the Rollout's strategy.
//!
//! Argo Rollouts weights one TraefikService, so one kind of route goes through it: the https
//! routes when the input has any, else the gRPC route (with h2c, as the route would).

use k8s_openapi::api::core::v1::{Service, ServiceSpec};
use lummo_inputs::canary;
use lummo_kinds::IntOrString;
use lummo_kinds::ObjectMeta;
use lummo_kinds::argo::{Rollout, TraefikTrafficRouting, TrafficRouting};
use lummo_kinds::traefik::{TraefikService, TraefikServiceSpec, Weighted, WeightedService};
use lummo_krm::ownership::GENERATED_BY;
use lummo_krm::{Decorator, Input, Report, ResourceId};

use crate::{NetworkingSpec, Resources, Settings};

/// The objects of one app's canary routing, by name.
pub struct Routing {
    pub stable: String,
    pub canary: String,
    pub weighted: String,
    /// The Service port the routes go to, and whether it is the gRPC one (h2c).
    pub port: &'static str,
    pub grpc: bool,
    /// The app's Service, which both canary Services copy.
    service: ServiceSpec,
    rollout: ResourceId,
}

impl Routing {
    fn names(app: &str) -> [String; 3] {
        [format!("{app}-stable"), format!("{app}-canary"), format!("{app}-weighted")]
    }
}

/// The canary routing of the app `spec` routes, when its workload is a Rollout a function
/// generated and the platform routes canaries. Problems (names too long) and the warnings of
/// a canary left to pod shares go to `report`.
pub fn plan(settings: &Settings, input: &Input, spec: &NetworkingSpec, resources: &Resources, report: &mut Report) -> Option<Routing> {
    if spec.routes.is_empty() && !spec.grpc {
        return None;
    }
    let rollout_id = ResourceId::of::<Rollout>(input.namespace(), &spec.app);
    let item = resources.get(&rollout_id).filter(|item| item.annotation(GENERATED_BY).is_some())?;
    let rollout: Rollout = item.decode().ok()?;
    if !settings.canary_traffic_routing {
        let replicas = rollout.spec.replicas.unwrap_or(1);
        let shares = canary::pod_shares(&rollout.spec.strategy.canary.steps, replicas);
        let message = format!(
            "the platform routes no canary by requests (spec.networking.canaryTrafficRouting), so each weight of Rollout {:?} is a share of pods: at {replicas} replica(s), {shares}",
            spec.app
        );
        input.warning(report, "spec.app", message);
        return None;
    }
    let service: Service = resources.get(&ResourceId::of::<Service>(input.namespace(), &spec.app))?.decode().ok()?;
    let [stable, canary, weighted] = Routing::names(&spec.app);
    for name in [&stable, &canary] {
        if let Err(message) = crate::check_service_name(name) {
            input.error(report, "spec.app", format!("the canary's Service: {message}"));
        }
    }
    let grpc = spec.routes.is_empty();
    if spec.grpc && !grpc {
        input.warning(
            report,
            "spec.grpc",
            "Argo Rollouts weights one TraefikService, which the https routes go through: the gRPC route reaches the canary by its share of pods",
        );
    }
    let port = if grpc { settings.grpc_port } else { settings.http_port };
    Some(Routing { stable, canary, weighted, port, grpc, service: service.spec.unwrap_or_default(), rollout: rollout_id })
}

/// The stable and canary Services (the app's ports and selector; Argo Rollouts adds each
/// ReplicaSet's hash to the selector) and the weighted TraefikService over them.
pub fn objects(routing: &Routing, metadata: &dyn Fn(&str) -> ObjectMeta) -> (Vec<Service>, TraefikService) {
    let copy = ServiceSpec { selector: routing.service.selector.clone(), ports: routing.service.ports.clone(), ..ServiceSpec::default() };
    let services =
        [&routing.stable, &routing.canary].map(|name| Service { metadata: metadata(name), spec: Some(copy.clone()), status: None }).into();
    let entry = |name: &String| WeightedService {
        name: name.clone(),
        port: IntOrString::String(routing.port.into()),
        scheme: routing.grpc.then(|| "h2c".into()),
        pass_host_header: routing.grpc.then_some(true),
        weight: None,
    };
    let spec = TraefikServiceSpec { weighted: Weighted { services: vec![entry(&routing.stable), entry(&routing.canary)] } };
    (services, TraefikService::new(metadata(&routing.weighted), spec))
}

/// Names the Services and the TraefikService in the Rollout's canary strategy.
pub fn decorate(decorator: &mut Decorator, routing: &Routing) -> Result<(), String> {
    decorator.edit::<Rollout>(&routing.rollout, |rollout| {
        let canary = &mut rollout.spec.strategy.canary;
        canary.stable_service = Some(routing.stable.clone());
        canary.canary_service = Some(routing.canary.clone());
        let traefik = TraefikTrafficRouting { weighted_traefik_service_name: routing.weighted.clone() };
        canary.traffic_routing = Some(TrafficRouting { traefik });
    })
}
