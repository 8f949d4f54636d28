//! The fields of a posted form, with refusals in Bahasa Indonesia (axum's own are English).

use crate::message;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::collections::HashMap;

/// The fields of an `application/x-www-form-urlencoded` body, by name.
pub(crate) struct Fields(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        match Form::<HashMap<String, String>>::from_request(req, state).await {
            Ok(Form(fields)) => Ok(Self(fields)),
            Err(FormRejection::InvalidFormContentType(_)) => Err(message(
                &headers,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Formulir tidak dapat dibaca",
                "Kirim formulir ini dari halaman konsol (application/x-www-form-urlencoded).",
            )),
            Err(e @ FormRejection::BytesRejection(_)) => Err(e.into_response()),
            Err(_) => Err(message(
                &headers,
                StatusCode::BAD_REQUEST,
                "Formulir tidak dapat dibaca",
                "Isi formulir rusak atau bukan UTF-8. Muat ulang halaman, lalu kirim lagi.",
            )),
        }
    }
}
