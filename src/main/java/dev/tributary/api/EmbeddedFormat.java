package dev.tributary.api;

/** How a record key or value is given in the request: the API document's {@code type} enum. */
public enum EmbeddedFormat {
  /** {@code data} is a base64 string; the bytes are the decoded bytes. */
  BINARY,
  /** {@code data} is any JSON value; the bytes are its compact UTF-8 serialization. */
  JSON,
  /** {@code data} is a JSON string; the bytes are its UTF-8 encoding. */
  STRING
}
