"""HTTP resources for ranked preferences: time blocks, rankings and the fair allocation."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.scheduling.entrypoints import schemas as s
from services.scheduling.entrypoints.auth import ORGANISER, PARTICIPANT_OR_ORGANISER, acting_for
from services.scheduling.service_layer import handlers, views
from shared.web import current_organiser, organiser_required

blocks_blp = Blueprint(
    "blocks", __name__, url_prefix="/api/v1", description="Ranked preferences per time block"
)


def _app():
    return current_app.extensions["container"]


@blocks_blp.get("/events/<event_id>/blocks")
@blocks_blp.response(200, s.BlockOutSchema(many=True))
def list_blocks(event_id):
    """The event's time blocks and the visits to rank in each."""
    app = _app()
    return views.blocks(app.uow(), event_id, current_organiser() is not None)


@blocks_blp.post("/events/<event_id>/blocks")
@blocks_blp.doc(security=ORGANISER)
@organiser_required
@blocks_blp.arguments(s.BlockInSchema)
@blocks_blp.response(201, s.BlockOutSchema)
def create_block(data, event_id):
    """Open a block of parallel visits: their seats are then allocated from rankings."""
    app = _app()
    block = handlers.create_block(event_id, data["title"], data["visit_ids"], app.uow(), app.clock)
    return views.block(app.uow(), block.id, organiser=True)


@blocks_blp.get("/blocks/<block_id>")
@blocks_blp.response(200, s.BlockOutSchema)
def get_block(block_id):
    """One block (organisers also see the rankings count and the allocation)."""
    app = _app()
    return views.block(app.uow(), block_id, current_organiser() is not None)


@blocks_blp.put("/blocks/<block_id>/preferences")
@blocks_blp.doc(**PARTICIPANT_OR_ORGANISER)
@blocks_blp.arguments(s.RankingSchema)
@blocks_blp.response(200, s.PreferenceSchema)
def rank_visits(data, block_id):
    """Rank the block's visits, best first; ranking again replaces the earlier ranking."""
    app = _app()
    actor = acting_for(data.get("registration_id"))
    preference = handlers.rank_visits(
        block_id, actor.registration_id, data["ranking"], app.uow(), app.clock
    )
    return {
        "block_id": block_id,
        "registration_id": preference.registration_id,
        "ranking": preference.ranking,
        "submitted_at": preference.submitted_at,
    }


@blocks_blp.post("/blocks/<block_id>/close")
@blocks_blp.doc(security=ORGANISER)
@organiser_required
@blocks_blp.response(200, s.AllocationSchema)
def close_block(block_id):
    """Close the block and allocate its seats (rank-maximal, ties by a recorded lottery)."""
    app = _app()
    handlers.close_block(block_id, app.uow(), app.clock, app.policy)
    return views.allocation(app.uow(), block_id)
