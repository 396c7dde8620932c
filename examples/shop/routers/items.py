from dataclasses import dataclass

from data_bridge import APIRouter, BackgroundTasks, Depends, HTTPException

from ..dependencies import DB, get_token_header

router = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(get_token_header)])

audit: list[str] = []


@dataclass
class ItemIn:
    name: str
    price: float = 0.0


@router.get("/")
async def read_items(db: DB):
    return db.rows


@router.get("/{item_id}")
async def read_item(item_id: str, db: DB):
    row = db.get(item_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"name": row["name"], "item_id": item_id}


@router.put("/{item_id}", tags=["custom"])
async def update_item(item_id: str, item: ItemIn, db: DB, tasks: BackgroundTasks):
    if item_id != "plumbus":
        raise HTTPException(status_code=403, detail="You can only update the item: plumbus")
    db.put(item_id, {"name": item.name, "price": item.price})
    tasks.add_task(audit.append, f"updated {item_id}")
    return {"item_id": item_id, "name": item.name}
