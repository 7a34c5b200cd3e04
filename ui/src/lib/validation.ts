// Form checks in the UI's language, shown next to the field, instead of the browser's bubbles
// (which follow the system's locale and vanish). Forms are `novalidate`; on submit they call
// `checkForm`, which fires the controls' `invalid` events; the `checked` action on each
// control shows its sentence beside it and clears it as soon as the value is fixed.

import type { Locale } from "./dates";
import { formatDate } from "./dates";

export type Validity = Pick<
  ValidityState,
  "valueMissing" | "rangeUnderflow" | "rangeOverflow" | "stepMismatch" | "badInput" | "patternMismatch" | "typeMismatch" | "customError"
>;

export interface FieldRules {
  min?: string;
  max?: string;
  /** "date" for date fields: bounds are shown as dates and named earliest/latest. */
  kind?: string;
  /** The sentence for a custom error (setCustomValidity), already in the UI's language. */
  custom?: string;
  /** What the expected form is, for a pattern mismatch (e.g. "例如 2021-W23"). */
  format?: string;
}

const WORDS = {
  zh: {
    missing: "请填写此项。",
    missingDate: "请填写日期，例如 2021-06-18。",
    below: "不能小于 {v}。",
    above: "不能大于 {v}。",
    earliest: "不能早于 {v}。",
    latest: "不能晚于 {v}。",
    whole: "请填写整数。",
    number: "请填写数字。",
    format: "格式不正确。",
  },
  en: {
    missing: "Please fill in this field.",
    missingDate: "Please enter a date, e.g. 2021-06-18.",
    below: "Must be at least {v}.",
    above: "Must be at most {v}.",
    earliest: "Must not be before {v}.",
    latest: "Must not be after {v}.",
    whole: "Please enter a whole number.",
    number: "Please enter a number.",
    format: "This is not in the expected form.",
  },
} as const;

/** The sentence for a control's first problem, in the UI's language; null when it is valid. */
export function validityMessage(v: Validity, rules: FieldRules, locale: Locale): string | null {
  const w = WORDS[locale];
  const date = rules.kind === "date";
  const bound = (value: string | undefined) => (date ? formatDate(value, locale) : (value ?? ""));
  if (v.customError && rules.custom) return rules.custom;
  if (v.badInput) return date ? w.missingDate : w.number;
  if (v.valueMissing) return date ? w.missingDate : w.missing;
  if (v.rangeUnderflow) return (date ? w.earliest : w.below).replace("{v}", bound(rules.min));
  if (v.rangeOverflow) return (date ? w.latest : w.above).replace("{v}", bound(rules.max));
  if (v.stepMismatch) return w.whole;
  if (v.patternMismatch || v.typeMismatch) return rules.format ?? w.format;
  if (v.customError) return w.format;
  return null;
}

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

function rulesOf(node: Control): FieldRules {
  return {
    min: node.getAttribute("min") ?? node.dataset.min ?? undefined,
    max: node.getAttribute("max") ?? node.dataset.max ?? undefined,
    kind: node.dataset.kind,
    // Only a message set by our own code is in the UI's language; the browser's are not.
    custom: node.validity.customError ? node.validationMessage : undefined,
    format: node.dataset.format,
  };
}

/**
 * Svelte action: shows the control's problem beside it when its form is checked, in the
 * language `locale()` answers, and clears it once the value is fixed.
 */
export function checked(node: Control, locale: () => Locale) {
  let shown: HTMLElement | null = null;
  const clear = () => {
    shown?.remove();
    shown = null;
    node.removeAttribute("aria-invalid");
  };
  const onInvalid = (e: Event) => {
    // The browser's own bubble would speak the system's language.
    e.preventDefault();
    const text = validityMessage(node.validity, rulesOf(node), locale());
    if (!text) return clear();
    if (!shown) {
      shown = document.createElement("span");
      shown.className = "field-error";
      shown.setAttribute("role", "alert");
      shown.dataset.testid = "field-error";
      // Below a composite field (a date with its calendar button), else right after the control.
      (node.closest(".date-field") ?? node).insertAdjacentElement("afterend", shown);
    }
    shown.textContent = text;
    node.setAttribute("aria-invalid", "true");
  };
  const onEdit = () => {
    if (shown && node.checkValidity()) clear();
  };
  node.addEventListener("invalid", onInvalid);
  node.addEventListener("input", onEdit);
  node.addEventListener("change", onEdit);
  return {
    destroy() {
      node.removeEventListener("invalid", onInvalid);
      node.removeEventListener("input", onEdit);
      node.removeEventListener("change", onEdit);
      clear();
    },
  };
}

/** Checks every control of `form` (each shows its own problem); focuses the first bad one. */
export function checkForm(form: HTMLFormElement): boolean {
  if (form.checkValidity()) return true;
  form.querySelector<HTMLElement>(":invalid")?.focus();
  return false;
}
