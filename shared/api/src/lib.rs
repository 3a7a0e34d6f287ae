//! The dashboard door: the HTTP API behind the dashboard and the admin
//! panel ([`api`]), its sessions and magic links ([`auth`]), and the local
//! stack's dev routes ([`dev`]). Every change goes through the services
//! layer of `parlo-app`.

pub mod api;
pub mod auth;
pub mod dev;
