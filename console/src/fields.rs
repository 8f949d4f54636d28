//! The fields of a posted form, with refusals in Bahasa Indonesia (axum's own are English).

use crate::AppError;
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
        let unreadable = |status, text| AppError::BadRequest { status, title: "Formulir tidak dapat dibaca", text };
        match Form::<HashMap<String, String>>::from_request(req, state).await {
            Ok(Form(fields)) => Ok(Self(fields)),
            Err(FormRejection::InvalidFormContentType(_)) => Err(unreadable(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Kirim formulir ini dari halaman konsol (application/x-www-form-urlencoded).",
            )
            .into_response()),
            // The body could not be read (too large, cut off): axum's own answer says which.
            Err(e @ FormRejection::BytesRejection(_)) => Err(e.into_response()),
            Err(_) => Err(unreadable(
                StatusCode::BAD_REQUEST,
                "Isi formulir rusak atau bukan UTF-8. Muat ulang halaman, lalu kirim lagi.",
            )
            .into_response()),
        }
    }
}
