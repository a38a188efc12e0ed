import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGE, ERROR_STATUS, ErrorCode, errorBody, KeywardError } from "../src/errors";

describe("error codes", () => {
  it.each([
    [ErrorCode.VALIDATION_FAILED, 400],
    [ErrorCode.UNAUTHORIZED, 401],
    [ErrorCode.TWO_FACTOR_REQUIRED, 401],
    [ErrorCode.FORBIDDEN, 403],
    [ErrorCode.IP_NOT_ALLOWED, 403],
    [ErrorCode.NOT_FOUND, 404],
    [ErrorCode.CONFLICT, 409],
    [ErrorCode.PAYLOAD_TOO_LARGE, 413],
    [ErrorCode.RATE_LIMITED, 429],
    [ErrorCode.SERVICE_UNAVAILABLE, 503],
    [ErrorCode.BAD_GATEWAY, 502],
  ])("%s is %i", (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status);
    expect(new KeywardError(code).status).toBe(status);
    expect(DEFAULT_MESSAGE[code]).not.toBe("");
  });

  it("the set is closed: exactly the eleven codes", () => {
    expect(Object.keys(ErrorCode).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(Object.keys(ErrorCode)).toHaveLength(11);
  });

  it.each([
    [ErrorCode.UNAUTHORIZED, "Invalid or missing API key"],
    [ErrorCode.FORBIDDEN, "Insufficient permissions"],
    [ErrorCode.RATE_LIMITED, "Rate limit exceeded"],
  ])("%s says %j (docs/api.md#errors)", (code, message) => {
    expect(DEFAULT_MESSAGE[code]).toBe(message);
  });
});

describe("KeywardError and errorBody", () => {
  it("carries code, status, message and details", () => {
    const error = new KeywardError("FORBIDDEN", undefined, { required: ["keys:write"], available: [] });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "KeywardError",
      code: "FORBIDDEN",
      status: 403,
      message: "Insufficient permissions",
      details: { required: ["keys:write"], available: [] },
    });
  });

  it.each([
    [["NOT_FOUND"], { errors: [{ code: "NOT_FOUND", message: "Not found" }] }],
    [["NOT_FOUND", "Key not found"], { errors: [{ code: "NOT_FOUND", message: "Key not found" }] }],
    [
      ["RATE_LIMITED", undefined, { retryAfterSeconds: 3 }],
      { errors: [{ code: "RATE_LIMITED", message: "Rate limit exceeded", details: { retryAfterSeconds: 3 } }] },
    ],
  ] as const)("errorBody(%j)", (args, body) => {
    const [code, message, details] = args as readonly [ErrorCode, string?, Record<string, unknown>?];
    expect(errorBody(code, message, details)).toStrictEqual(body);
  });
});
