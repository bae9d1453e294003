"""HTTP resources of the webhooks (/api/v1/webhooks), for organisers only."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.notifications.webhooks.domain.errors import InvalidEndpoint, WebhookNotFound
from services.notifications.webhooks.entrypoints import schemas as s
from services.notifications.webhooks.service_layer import endpoints, views
from shared.web import organiser_required

webhooks_blp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1", description="Outbound webhooks (organisers)"
)
ORGANISER = [{"organiser": []}]
DOMAIN_ERRORS: dict[type[Exception], int] = {WebhookNotFound: 404, InvalidEndpoint: 422}


def _hooks():
    return current_app.extensions["webhooks"]


@webhooks_blp.get("/webhooks")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.response(200, s.EndpointSchema(many=True))
def list_endpoints():
    """Registered endpoints, newest first (secrets are never listed)."""
    return views.list_endpoints(_hooks().uow())


@webhooks_blp.post("/webhooks")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.arguments(s.EndpointCreateSchema)
@webhooks_blp.response(201, s.CreatedEndpointSchema)
def create_endpoint(body):
    """Register an endpoint; the answer shows its signing secret, this once."""
    hooks = _hooks()
    endpoint = endpoints.register(
        hooks.uow(),
        hooks.clock,
        body["url"],
        body["message_types"],
        body["description"],
        body["secret"],
    )
    return views.endpoint_view(endpoint) | {"secret": endpoint.secret}


@webhooks_blp.get("/webhooks/<endpoint_id>")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.response(200, s.EndpointSchema)
def get_endpoint(endpoint_id):
    """One endpoint."""
    return views.get_endpoint(_hooks().uow(), endpoint_id)


@webhooks_blp.post("/webhooks/<endpoint_id>/disable")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.response(200, s.EndpointSchema)
def disable_endpoint(endpoint_id):
    """Stop delivering; pending deliveries wait."""
    hooks = _hooks()
    return views.endpoint_view(endpoints.set_active(hooks.uow(), hooks.clock, endpoint_id, False))


@webhooks_blp.post("/webhooks/<endpoint_id>/enable")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.response(200, s.EndpointSchema)
def enable_endpoint(endpoint_id):
    """Deliver again (also after a 410 or too many failures)."""
    hooks = _hooks()
    return views.endpoint_view(endpoints.set_active(hooks.uow(), hooks.clock, endpoint_id, True))


@webhooks_blp.get("/webhooks/<endpoint_id>/deliveries")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.arguments(s.DeliveryQuerySchema, location="query")
@webhooks_blp.response(200, s.DeliverySchema(many=True))
def list_deliveries(query, endpoint_id):
    """The endpoint's delivery log, newest first."""
    return views.deliveries(_hooks().uow(), endpoint_id, query["limit"], query["offset"])


@webhooks_blp.post("/webhooks/<endpoint_id>/deliveries/<delivery_id>/resend")
@webhooks_blp.doc(security=ORGANISER)
@organiser_required
@webhooks_blp.response(202, s.DeliverySchema)
def resend(endpoint_id, delivery_id):
    """Send a delivery again now (whatever its status), with a fresh 3-day retry window."""
    hooks = _hooks()
    delivery = endpoints.resend(hooks.uow(), hooks.clock, hooks.policy, endpoint_id, delivery_id)
    return views.delivery_view(delivery)
