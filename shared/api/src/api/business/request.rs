//! Request parsing and response helpers shared by the resource handlers.

use super::*;

// ---- request helpers ------------------------------------------------------

/// A JSON body; the message names the field serde complained about.
pub(crate) fn body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let raw = request.body().as_ref();
    let raw = if raw.is_empty() {
        b"{}".as_slice()
    } else {
        raw
    };
    let parsed = serde_json::from_slice(raw).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "La solicitud no tiene el formato esperado ({}).",
                e.to_string().split(" at line").next().unwrap_or_default()
            ),
        )
    })?;
    // No date in a body may overflow calendar arithmetic later.
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(raw) {
        if let Some(field) = parlo_app::bounds::out_of_range_date(&v) {
            return Err(ApiError::invalid(
                &field,
                &parlo_app::bounds::date_message(),
            ));
        }
    }
    Ok(parsed)
}

/// A path id; a malformed one is as unknown as a missing one.
pub(crate) fn path_id(params: &Params, name: &str) -> Result<Uuid, ApiError> {
    params
        .get(name)
        .and_then(|s| s.parse().ok())
        .ok_or_else(ApiError::not_found)
}

pub(crate) struct QueryArgs(Vec<(String, String)>);

impl QueryArgs {
    pub fn of(request: &Request) -> Self {
        let q = request.query_string_parameters();
        Self(
            q.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| ApiError::invalid("limit", "debe ser un número entre 1 y 100.")),
        }
    }

    /// The store's cursor behind the opaque one the client holds.
    pub fn cursor(&self) -> Result<Option<String>, ApiError> {
        self.get("cursor").map(decode_cursor).transpose()
    }

    pub fn uuid(&self, name: &str) -> Result<Option<Uuid>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| ApiError::invalid(name, "no es un identificador válido."))
            })
            .transpose()
    }

    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|v| {
                let d: NaiveDate = v
                    .parse()
                    .map_err(|_| ApiError::invalid(name, "usa una fecha AAAA-MM-DD."))?;
                if !parlo_app::bounds::date_ok(d) {
                    return Err(ApiError::invalid(name, &parlo_app::bounds::date_message()));
                }
                Ok(d)
            })
            .transpose()
    }

    /// An instant: ISO 8601 with offset, or a date (local midnight).
    pub fn instant(
        &self,
        name: &str,
        tz: chrono_tz::Tz,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(v) {
            if !parlo_app::bounds::date_ok(t.date_naive()) {
                return Err(ApiError::invalid(name, &parlo_app::bounds::date_message()));
            }
            return Ok(Some(t.with_timezone(&Utc)));
        }
        match v.parse::<NaiveDate>() {
            Ok(d) if !parlo_app::bounds::date_ok(d) => {
                Err(ApiError::invalid(name, &parlo_app::bounds::date_message()))
            }
            Ok(d) => Ok(Some(local_midnight(tz, d))),
            Err(_) => Err(ApiError::invalid(
                name,
                "usa una fecha AAAA-MM-DD o un instante ISO 8601.",
            )),
        }
    }
}

pub(crate) fn local_midnight(tz: chrono_tz::Tz, d: NaiveDate) -> DateTime<Utc> {
    tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
        .earliest()
        .unwrap_or_else(|| {
            Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
                .with_timezone(&tz)
        })
        .with_timezone(&Utc)
}

pub(crate) fn encode_cursor(c: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c)
}

pub(crate) fn decode_cursor(c: &str) -> Result<String, ApiError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_cursor",
                "El cursor de paginación no es válido.",
            )
        })
}

pub(crate) fn page_of<T>(items: Vec<T>, next: Option<String>) -> PageOut<T> {
    PageOut {
        items,
        next_cursor: next.as_deref().map(encode_cursor),
    }
}

/// A page of a list the store returns whole (catalogues are small): the
/// cursor is the last id given, items are ordered by `order`.
pub(super) fn page_by<T, K: Ord>(
    mut items: Vec<T>,
    order: impl Fn(&T) -> (K, Uuid),
    args: &QueryArgs,
) -> Result<PageOut<T>, ApiError> {
    let limit = args.limit()?;
    items.sort_by_key(|t| order(t));
    let start = match args.cursor()? {
        None => 0,
        Some(c) => {
            let after: Uuid = c.parse().map_err(|_| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_cursor",
                    "El cursor de paginación no es válido.",
                )
            })?;
            items
                .iter()
                .position(|t| order(t).1 == after)
                .map_or(items.len(), |i| i + 1)
        }
    };
    let rest: Vec<T> = items.into_iter().skip(start).collect();
    let more = rest.len() > limit;
    let page: Vec<T> = rest.into_iter().take(limit).collect();
    let next = more
        .then(|| page.last().map(|t| order(t).1.to_string()))
        .flatten();
    Ok(page_of(page, next))
}

pub(super) fn created<T: Serialize>(body: &T) -> Response<Body> {
    json(StatusCode::CREATED, body)
}

pub(super) fn okj<T: Serialize>(body: &T) -> Result<Response<Body>, ApiError> {
    Ok(json(StatusCode::OK, body))
}

pub(super) fn text(
    field: &str,
    v: Option<String>,
    max: usize,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v.map(|s| s.trim().to_string()) {
        Some(s) if s.is_empty() && required => Err(ApiError::invalid(field, "no puede ir vacío.")),
        Some(s) if s.chars().count() > max => Err(ApiError::invalid(
            field,
            &format!("es demasiado largo (máximo {max} caracteres)."),
        )),
        Some(s) if s.is_empty() => Ok(None),
        other => Ok(other),
    }
}

pub(super) fn required<T>(field: &str, v: Option<T>) -> Result<T, ApiError> {
    v.ok_or_else(|| ApiError::invalid(field, "es obligatorio."))
}

pub(super) fn phone(field: &str, raw: &str) -> Result<String, ApiError> {
    parlo_core::phone::normalize(raw, parlo_core::phone::Region::Mexico).map_err(|_| {
        ApiError::invalid(
            field,
            "el número no es válido; escríbelo con lada, por ejemplo 55 1234 5678.",
        )
    })
}

pub(super) fn hours_valid(h: &WeeklyHours) -> Result<(), ApiError> {
    for day in &h.days {
        let mut sorted = day.clone();
        sorted.sort_by_key(|r| r.start);
        for r in &sorted {
            if r.start >= r.end {
                return Err(ApiError::invalid(
                    "business_hours",
                    "cada horario debe terminar después de empezar.",
                ));
            }
        }
        if sorted.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(ApiError::invalid(
                "business_hours",
                "los horarios de un día no pueden encimarse.",
            ));
        }
    }
    Ok(())
}

pub(super) fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// `from`/`to` of a list (instants or local dates; `to` as a date is
/// inclusive). Default: today, local.
pub(super) fn range(
    args: &QueryArgs,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let today = now.with_timezone(&tz).date_naive();
    let from = args
        .instant("from", tz)?
        .unwrap_or_else(|| local_midnight(tz, today));
    let to = match (args.get("to"), args.instant("to", tz)?) {
        (Some(raw), Some(_)) if raw.len() == 10 => {
            let d: NaiveDate = raw
                .parse()
                .map_err(|_| ApiError::invalid("to", "fecha inválida."))?;
            local_midnight(tz, d + Duration::days(1))
        }
        (_, Some(t)) => t,
        (_, None) => {
            let d = from.with_timezone(&tz).date_naive();
            local_midnight(tz, d + Duration::days(1))
        }
    };
    if to <= from {
        return Err(ApiError::invalid("to", "debe ser después de «from»."));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ApiError::invalid("to", "el rango es de a lo más 92 días."));
    }
    Ok((from, to))
}

pub(super) fn dedup(ids: Vec<Uuid>) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}
