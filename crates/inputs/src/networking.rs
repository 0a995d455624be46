//! What workloads reads of a `LummoNetworking`: whether it routes an app's requests, which
//! decides what a canary's weights mean (shares of requests when networking routes the app
//! through Argo Rollouts' traffic routing, shares of pods otherwise). A lenient view: the
//! networking function validates the input in full.

use serde::Deserialize;

pub const KIND: &str = "LummoNetworking";

#[derive(Deserialize, Debug, Default)]
pub struct RoutedApp {
    #[serde(default)]
    pub app: String,
    #[serde(default)]
    pub routes: Vec<serde_json::Value>,
    #[serde(default)]
    pub grpc: bool,
}

impl RoutedApp {
    /// The app this input routes requests to, if it routes any.
    pub fn routed(&self) -> Option<&str> {
        (!self.routes.is_empty() || self.grpc).then_some(self.app.as_str())
    }
}
