import { describe, expect, it } from "vitest";
import { checkForm, checked, validityMessage, type Validity } from "../src/lib/validation";

const ok: Validity = {
  valueMissing: false,
  rangeUnderflow: false,
  rangeOverflow: false,
  stepMismatch: false,
  badInput: false,
  patternMismatch: false,
  typeMismatch: false,
  customError: false,
};

describe("form checks in the UI's language", () => {
  it("says what is wrong in Chinese or English, dates as dates", () => {
    expect(validityMessage(ok, {}, "zh")).toBeNull();
    expect(validityMessage({ ...ok, valueMissing: true }, {}, "zh")).toBe("请填写此项。");
    expect(validityMessage({ ...ok, valueMissing: true }, {}, "en")).toBe("Please fill in this field.");
    expect(validityMessage({ ...ok, rangeOverflow: true }, { max: "100" }, "zh")).toBe("不能大于 100。");
    expect(validityMessage({ ...ok, rangeOverflow: true }, { max: "2026-12-02", kind: "date" }, "zh")).toBe(
      "不能晚于 2026年12月2日。",
    );
    expect(validityMessage({ ...ok, rangeUnderflow: true }, { min: "2021-06-07", kind: "date" }, "en")).toBe(
      "Must not be before 7 Jun 2021.",
    );
    expect(validityMessage({ ...ok, customError: true }, { custom: "不是有效的周次" }, "zh")).toBe("不是有效的周次");
    expect(validityMessage({ ...ok, patternMismatch: true }, { format: "例如 2021-W23" }, "zh")).toBe("例如 2021-W23");
  });

  it("shows the sentence beside the field on submit and clears it once fixed", () => {
    document.body.innerHTML = `<form novalidate><label>数量 <input name="n" type="number" max="100" required /></label></form>`;
    const form = document.querySelector("form")!;
    const input = document.querySelector("input")!;
    const action = checked(input, () => "zh");
    expect(checkForm(form)).toBe(false);
    const error = form.querySelector(".field-error");
    expect(error?.textContent).toBe("请填写此项。");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    input.value = "50";
    input.dispatchEvent(new Event("input"));
    expect(form.querySelector(".field-error")).toBeNull();
    expect(checkForm(form)).toBe(true);
    action.destroy();
  });
});
