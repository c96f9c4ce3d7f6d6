"""Logs, metrics and traces of every function: the process's one Powertools Logger, Metrics and Tracer, and
`observed`, the one wrapper that every plain handler is decorated with and every API app runs in (as Chalice
middleware, so the Lambda entry point stays the app). Per invocation it puts the Lambda context and a correlation
id on every log line, flushes the invocation's metrics as EMF on stdout (CloudWatch reads them from the log; nothing
here calls AWS) and traces the invocation (X-Ray; Powertools switches tracing off outside Lambda).

The tenant is a log key, a trace annotation and a metric property, never a metric dimension (cardinality): the
dimensions are `service` and, on counts of refusals, `Reason`, a class name out of a bounded set."""

from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer, single_metric
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, ConvertToMiddleware
from pydantic import ValidationError

from gridvend.errors import GridvendError, InvalidInput

# A deployed function names its service in the template (POWERTOOLS_SERVICE_NAME); anything else (tests, demos,
# the bootstrap) runs the functions in one process as "gridvend-local". Not "gridvend": the standard loggers
# "gridvend.<part>" would become children of this one.
SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME") or "gridvend-local"
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "Gridvend"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
# botocore only: its patch traces every AWS call, PynamoDB's included. Patching pynamodb itself would wrap the
# vend's direct reads (gridvend.store.direct_reads), whose request headers it cannot read.
tracer = Tracer(service=SERVICE, patch_modules=("botocore",))

Handler = TypeVar("Handler", bound=Callable[..., Any])
# Lambda runs one invocation at a time, but tests and the local bulk-job runner vend from threads; Powertools'
# metric set is a plain dict, which one thread could be flushing (at 100 values) while another adds a name to it.
_metrics_lock = threading.Lock()


def observed(correlation_id_path: str | None = None) -> Callable[[Handler], Handler]:
    """Decorates a Lambda handler `(event, context)`. The correlation id is the value at `correlation_id_path` in the
    event (a record's own id, API Gateway's request id) or else the invocation's request id."""

    def lambda_handler(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def correlated(event: Any, context: Any, **kwargs: Any) -> Any:
            metrics.clear_metrics()  # nothing of an earlier invocation (its tenant above all) joins this one's
            if logger.get_correlation_id() is None:
                logger.set_correlation_id(getattr(context, "aws_request_id", None))
            return handler(event, context, **kwargs)

        flushed = metrics.log_metrics(correlated, raise_on_empty_metrics=False)

        @functools.wraps(handler)
        def quietly_flushed(event: Any, context: Any, **kwargs: Any) -> Any:
            with warnings.catch_warnings():  # most requests count nothing: normal, not a warning every time
                warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
                return flushed(event, context, **kwargs)

        # Responses carry tenant data (customers, tokens): they stay out of the traces.
        traced = tracer.capture_lambda_handler(quietly_flushed, capture_response=False)
        return cast(Handler, logger.inject_lambda_context(traced, correlation_id_path=correlation_id_path,
                                                          clear_state=True))

    return lambda_handler


def observe_api(app: Chalice) -> None:
    """Every request to `app` runs inside `observed`, correlated by API Gateway's request id."""
    app.register_middleware(ConvertToMiddleware(observed(correlation_paths.API_GATEWAY_REST)), "all")


def observe_tenant(tenant_id: str, operator: str) -> None:
    """The invocation acts in `tenant_id` for `operator`: on every later log line, on the trace, and on the metrics
    as a property (never a dimension)."""
    logger.append_keys(tenant_id=tenant_id, operator=operator)
    tracer.put_annotation(key="tenant_id", value=tenant_id)
    metrics.add_metadata(key="tenant_id", value=tenant_id)


def add_metric(name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count) -> None:
    """A value of this invocation's metric `name` (flushed with the invocation's other metrics)."""
    with _metrics_lock:
        metrics.add_metric(name=name, unit=unit, value=value)


def count_refusal(name: str, error: BaseException) -> None:
    """One count of `name` with the dimension Reason (see `reason_of`); it is written at once, on its own, since
    a dimension holds for every metric of an EMF document."""
    with _metrics_lock, single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=NAMESPACE,
                                      default_dimensions={"service": SERVICE}) as metric:
        metric.add_dimension(name="Reason", value=reason_of(error))
        for key, value in metrics.metadata_set.items():
            metric.add_metadata(key=key, value=value)


def reason_of(error: BaseException) -> str:
    """Our error's class name (the problem the caller got); a bad body is InvalidInput, as the caller saw it;
    anything else InternalError. A bounded set, fit for a dimension."""
    if isinstance(error, GridvendError):
        return type(error).__name__
    if isinstance(error, ValidationError):
        return InvalidInput.__name__
    return "InternalError"


__all__ = ["NAMESPACE", "SERVICE", "add_metric", "count_refusal", "logger", "metrics", "observe_api", "observe_tenant",
           "observed", "reason_of", "tracer"]
