"""A FastAPI upload endpoint (the benchmark peer; peers/ported_upload.py serves this same
source on data-bridge): a multipart form with a file and a field, the file read in 1 MiB
pieces as a handler that keeps memory flat reads it."""

from fastapi import FastAPI, Form, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile, note: str = Form("")) -> dict:
    size = 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
    return {"name": file.filename, "size": size, "note": note}
