"""examples/petstore: the generated Petstore service, served by data-bridge."""

from data_bridge import App
from examples.petstore import petstore_api
from examples.petstore.handlers import Petstore

app = App(title="Petstore", version="1.0.0")
app.include(petstore_api.routes(Petstore()))
