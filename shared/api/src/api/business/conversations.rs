//! Conversations (the inbox): messages, take over, release, reply.

use super::*;

impl Api {
    pub(super) async fn conversations_routes(
        &self,
        op: Op,
        ctx: &Ctx,
        params: &Params,
        request: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let args = QueryArgs::of(request);
        let org = ctx.org_id();
        match op {
            Op::ListConversations => {
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .list_conversations(org, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&page_of(page.items, page.next))
            }
            Op::ListMessages => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                let cursor = args.cursor()?;
                let page = self
                    .store
                    .list_messages(org, c.id, args.limit()? as i32, cursor.as_deref())
                    .await?;
                okj(&page_of(page.items, page.next))
            }
            Op::ReleaseConversation => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                if c.status != ConversationStatus::HandedOff {
                    return Err(conflict(
                        "not_handed_off",
                        "Esta conversación ya la atiende el asistente.",
                    ));
                }
                let c = self
                    .services()
                    .await?
                    .release(&self.act(ctx), c)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "release");
                        ApiError::internal()
                    })?;
                okj(&c)
            }
            Op::TakeOverConversation => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                if c.kind != ConversationKind::Customer {
                    return Err(conflict(
                        "not_a_customer_conversation",
                        "Sólo las conversaciones con clientes se pueden atender personalmente.",
                    ));
                }
                let c = self
                    .services()
                    .await?
                    .take_over(&self.act(ctx), c)
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "take over");
                        ApiError::internal()
                    })?;
                okj(&c)
            }
            Op::SendMessage => {
                let c = self.conversation(org, path_id(params, "id")?).await?;
                let input: SendMessageInput = body(request)?;
                let text = required("body", text("body", Some(input.body), 1600, true)?)?;
                let client_id = text_id(input.client_id)?;
                let m = self.send_as_business(ctx, &c, &text, &client_id).await?;
                Ok(created(&m))
            }
            _ => Err(ApiError::internal()),
        }
    }

    /// Sends a message to the conversation's peer from the business's
    /// number through the services layer (one outbox claim per
    /// `client_id`: a retry or a concurrent double submit sends once).
    pub(super) async fn send_as_business(
        &self,
        ctx: &Ctx,
        c: &Conversation,
        text: &str,
        client_id: &str,
    ) -> Result<Message, ApiError> {
        let key = format!("dashboard:{}:{client_id}", c.id);
        let message_id = derived_id(&[&key, "out"]);
        let delivery = self
            .services()
            .await?
            .message_customer(
                &self.act(ctx),
                Biz::new(&ctx.org, &[], &[]),
                &c.peer_phone,
                Some(c),
                key,
                text,
            )
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "sending a dashboard message failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "send_failed",
                    "No pudimos enviar el mensaje por WhatsApp; intenta de nuevo.",
                )
            })?;
        let r = delivery.record();
        match delivery {
            Delivery::Sent(_) | Delivery::AlreadySent(_) | Delivery::InFlight(_) => Ok(
                business_message(ctx, c, message_id, text, r.provider_sid.clone(), r.created_at),
            ),
            Delivery::NotSendable(_) => Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_sendable",
                "Este cliente no ha escrito en las últimas 24 horas y no hay una plantilla aprobada para escribirle; espera a que te escriba.",
            )),
            Delivery::Refused(_) => Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "send_failed",
                "No pudimos enviar el mensaje por WhatsApp; intenta de nuevo.",
            )),
        }
    }
}

pub(super) fn business_message(
    ctx: &Ctx,
    c: &Conversation,
    id: Uuid,
    text: &str,
    provider_id: Option<String>,
    at: DateTime<Utc>,
) -> Message {
    Message {
        id,
        org_id: ctx.org_id(),
        conversation_id: c.id,
        direction: Direction::Outbound,
        sender_type: SenderType::Staff,
        content_type: ContentType::Text,
        content: text.to_string(),
        media_url: None,
        provider_id,
        delivery_status: None,
        created_at: at,
    }
}

pub(super) fn text_id(v: Option<String>) -> Result<String, ApiError> {
    match v {
        None => Ok(Uuid::now_v7().to_string()),
        Some(s)
            if !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(s)
        }
        Some(_) => Err(ApiError::invalid(
            "client_id",
            "usa hasta 64 letras, números, - o _.",
        )),
    }
}
