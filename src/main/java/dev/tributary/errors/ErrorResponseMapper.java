package dev.tributary.errors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Turns any failure before a stream starts into the API document's {@code Error} body, through {@link
 * Errors#toFailure}, the same function that writes in-band reports.
 */
public final class ErrorResponseMapper implements ExceptionMapper<Throwable> {

  private final String challenge;

  /** @param realm named in the {@code WWW-Authenticate} challenge that every 401 carries (RFC 9110) */
  public ErrorResponseMapper(String realm) {
    this.challenge = "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
  }

  @Override
  public Response toResponse(Throwable error) {
    Errors.Failure failure = Errors.toFailure(error);
    FailureLog.log(failure, "a request");
    Response.ResponseBuilder response =
        Response.status(failure.httpStatus()).type(MediaType.APPLICATION_JSON_TYPE).entity(failure.body());
    if (error instanceof WebApplicationException e && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
      response.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
    }
    if (failure.httpStatus() == 401) {
      response.header(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }
    return response.build();
  }
}
