//! The four kinds of workload monitoring decorates, read and edited as their types.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use lummo_kinds::ObjectMeta;
use lummo_kinds::argo::Rollout;
use lummo_krm::{Decorator, Item, ResourceId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Rollout,
    Deployment,
    Job,
    CronJob,
}

/// A workload that workloads generated, with its pod template.
pub struct Workload {
    pub id: ResourceId,
    pub kind: Kind,
    pub template: PodTemplateSpec,
}

impl Kind {
    fn of(id: &ResourceId) -> Option<Kind> {
        [
            (id.is::<Rollout>(), Kind::Rollout),
            (id.is::<Deployment>(), Kind::Deployment),
            (id.is::<Job>(), Kind::Job),
            (id.is::<CronJob>(), Kind::CronJob),
        ]
        .into_iter()
        .find_map(|(is, kind)| is.then_some(kind))
    }
}

/// The workload `item` is, or `None` when it is another kind of resource.
pub fn read(item: &Item) -> Option<Result<Workload, String>> {
    let id = item.id();
    let kind = Kind::of(&id)?;
    let template = match kind {
        Kind::Rollout => item.decode::<Rollout>().map(|r| r.spec.template),
        Kind::Deployment => item.decode::<Deployment>().map(|d| d.spec.map(|s| s.template).unwrap_or_default()),
        Kind::Job => item.decode::<Job>().map(|j| j.spec.map(|s| s.template).unwrap_or_default()),
        Kind::CronJob => item.decode::<CronJob>().map(|c| c.spec.and_then(|s| s.job_template.spec).map(|s| s.template).unwrap_or_default()),
    };
    Some(template.map(|template| Workload { id, kind, template }))
}

/// Lets `edit` change the workload's own metadata and its pod template, through the decorator
/// (which records the decoration and refuses what it must).
pub fn edit(decorator: &mut Decorator, workload: &Workload, edit: impl Fn(&mut ObjectMeta, &mut PodTemplateSpec)) -> Result<(), String> {
    let id = &workload.id;
    match workload.kind {
        Kind::Rollout => decorator.edit::<Rollout>(id, |r| edit(&mut r.metadata, &mut r.spec.template)),
        Kind::Deployment => decorator.edit::<Deployment>(id, |d| {
            if let Some(spec) = d.spec.as_mut() {
                edit(&mut d.metadata, &mut spec.template);
            }
        }),
        Kind::Job => decorator.edit::<Job>(id, |j| {
            if let Some(spec) = j.spec.as_mut() {
                edit(&mut j.metadata, &mut spec.template);
            }
        }),
        Kind::CronJob => decorator.edit::<CronJob>(id, |c| {
            if let Some(spec) = c.spec.as_mut().and_then(|s| s.job_template.spec.as_mut()) {
                edit(&mut c.metadata, &mut spec.template);
            }
        }),
    }
}
