"""The one domain exception: a stable code for programs, a French message for people."""


class WorkflowError(Exception):
    """A refused operation. `status` hints the HTTP answer: 409 conflict/state, 422 invalid data, 403, 404."""

    def __init__(self, code: str, message: str, *, status: int = 422, field: str | None = None, errors=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.errors = errors or []

    def __str__(self) -> str:
        return self.message
