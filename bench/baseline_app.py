"""The yardstick: FastAPI returning a constant dict, nothing else."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "healthy"}
