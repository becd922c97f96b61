/* Certiprev — vérification d'un certificat dans le navigateur (format CP1, docs/cp1-format.md).
 *
 * The card's record arrives in the URL fragment, which never leaves the browser. This script decodes it, checks its
 * Ed25519 signature with WebCrypto against the key list (itself signed by the root key embedded in the page), and
 * compares it with the whole revocation list. It only ever fetches whole shared documents: nothing of a card is sent.
 */
"use strict";
(() => {
  const WELL_KNOWN = "/.well-known/certiprev/";
  const STORE_KEY = "certiprev.keys.v1";
  const REVOKED_SEEN_KEY = "certiprev.revoked-seen.v1"; // issued_at of the newest revocation list seen here
  const FETCH_TIMEOUT_MS = 10000;
  const LISTS_MAX_AGE_MS = 5 * 60 * 1000;
  const MAX_CONTENT_LENGTH = 618; // before trimming, as the reference verifier: twice the longest digit string
  // A key list without `expires` (older format) is not used past this age after its issued_at (§6.1).
  const KEYS_MAX_AGE_MS = 8 * 24 * 3600 * 1000;
  const ALPHABET = " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'.";
  const BYTES_OF_WIDTH = { 3: 1, 5: 2, 8: 3, 10: 4, 13: 5, 15: 6 };
  const KINDS = ["initial", "mac", "trainer"];
  // §2: ASCII only. host = labels of letters/digits/hyphens (no hyphen at a label's ends) joined by dots, :port.
  const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
  const CONTENT = new RegExp(`^(?:https?://${LABEL}(?:\\.${LABEL})*(?::[0-9]{1,5})?/v#)?([0-9]+)$`, "i");
  const ASCII_TRIM = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g; // not String.trim(): U+FEFF, U+00A0… are not trimmed
  const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  const ISO_MOMENT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
  const HEX_ID = /^[0-9a-f]{16}$/;
  const SIGNED_PREFIX = [0x43, 0x50, 0x31]; // b"CP1"

  // --- Text shown to people -----------------------------------------------------------------------------------
  const STATUS_LABELS = {
    valid: "Valide", expired: "Expiré", revoked: "Révoqué", invalid: "Invalide", unknown_key: "Clé inconnue",
    unverifiable: "Vérification impossible",
  };
  const expiredAt = (doc, now) => ISO_MOMENT.test(doc.expires) && now > Date.parse(doc.expires);
  const KIND_LABELS = {
    initial: "Formation initiale",
    mac: "MAC (maintien et actualisation des compétences)",
    trainer: "Certificat de formateur",
  };
  const REASONS = {
    malformed: "Ce contenu n’est pas un code Certiprev lisible : il est incomplet, mal recopié ou d’un autre type.",
    bad_signature: "La signature ne correspond pas : le code a été modifié ou n’a pas été émis par Certiprev.",
    key_compromised: "La clé qui a signé ce code est déclarée compromise : rien de ce qu’elle a signé n’est fiable.",
    outside_key_period: "La date du certificat est en dehors de la période d’utilisation de sa clé de signature.",
    unknown_key: "Clé de signature absente de la liste des clés.",
    revoked: "Certificat retiré par le réseau.",
    expired: "Date de fin de validité dépassée.",
    ok: "",
  };
  const HABILITATIONS = {
    // organisations.json (certiprev/certificates/documents.py): the organisation's habilitation today.
    active: "habilitation en cours", expired: "habilitation terminée",
  };

  // --- CP1 decoding (§2–§4) -------------------------------------------------------------------------------------
  class Malformed extends Error {}
  const malformed = (why) => { throw new Malformed(why); };

  function parseContent(content) {
    if (typeof content !== "string" || content.length > MAX_CONTENT_LENGTH) malformed("content");
    const match = CONTENT.exec(content.replace(ASCII_TRIM, ""));
    if (!match) malformed("not a CP1 content");
    return digitsToBytes(match[1]);
  }

  function digitsToBytes(digits) {
    const groups = Math.floor(digits.length / 17), rest = digits.length % 17;
    if (rest && !BYTES_OF_WIDTH[rest]) malformed("digit count");
    const out = [];
    const take = (start, width, size) => {
      let value = BigInt(digits.slice(start, start + width));
      if (value >> BigInt(8 * size)) malformed("digit group overflow");
      const group = new Array(size);
      for (let i = size - 1; i >= 0; i--) { group[i] = Number(value & 255n); value >>= 8n; }
      out.push(...group);
    };
    for (let g = 0; g < groups; g++) take(17 * g, 17, 7);
    if (rest) take(17 * groups, rest, BYTES_OF_WIDTH[rest]);
    return Uint8Array.from(out);
  }

  const dayFrom = (epochYear, days) =>
    new Date(Date.UTC(epochYear, 0, 1) + days * 86400000).toISOString().slice(0, 10);

  function decodeRecord(signed) {
    if (signed.length < 81 || signed.length > 127) malformed("record length");
    const body = signed.subarray(0, signed.length - 64), signature = signed.subarray(signed.length - 64);
    const flags = body[0];
    if (flags & 0xf0 || (flags & 3) === 3) malformed("flags");
    const u16 = (i) => (body[i] << 8) | body[i + 1];
    const record = {
      kind: KINDS[flags & 3], key_id: body[1], scheme_code: body[2],
      certified_on: dayFrom(2000, u16(3)), valid_until: dayFrom(2000, u16(5)), birth_date: null,
    };
    let offset = 7;
    if (flags & 4) { record.birth_date = dayFrom(1900, u16(7)); offset = 9; }
    let organisation = 0, i = offset;
    for (;; i++) { // unsigned LEB128, at most 5 bytes, minimal, ≤ 2³² − 1
      if (i >= offset + 5 || i >= body.length) malformed("varint");
      organisation += (body[i] & 127) * 2 ** (7 * (i - offset));
      if (!(body[i] & 128)) { if (body[i] === 0 && i > offset) malformed("varint not minimal"); break; }
    }
    if (organisation > 2 ** 32 - 1) malformed("organisation id");
    record.organisation_id = organisation;
    offset = i + 1;
    if (body.length < offset + 9) malformed("truncated");
    record.revocation_id = toHex(body.subarray(offset, offset + 8));
    const lastLength = body[offset + 8], names = body.subarray(offset + 9);
    let text = "";
    const pairs = names.length - (names.length % 2);
    for (let j = 0; j < pairs; j += 2) {
      const value = (names[j] << 8) | names[j + 1];
      if (value >= 64000) malformed("base-40 triple");
      text += ALPHABET[Math.floor(value / 1600)] + ALPHABET[Math.floor(value / 40) % 40] + ALPHABET[value % 40];
    }
    if (pairs < names.length) {
      if (names[names.length - 1] >= 40) malformed("base-40 single");
      text += ALPHABET[names[names.length - 1]];
    }
    text = text.replace(/ +$/, "");
    if (text.length > 60 || lastLength > text.length) malformed("names");
    record.last_name = text.slice(0, lastLength);
    record.first_names = text.slice(lastLength);
    record.names_truncated = Boolean(flags & 8);
    return { record, body, signature };
  }

  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

  // --- Signed documents: keys.json, revoked.json (§6) ---------------------------------------------------------
  function base64urlDecode(text) {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
      throw new Error("not base64url");
    }
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const again = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    if (again !== text) throw new Error("non-canonical base64url");
    return bytes;
  }

  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map((k) => canonical(k) + ":" + canonical(value[k])).join(",") + "}";
    }
    if (typeof value === "string" && !/^[\x20-\x7e]*$/.test(value)) throw new Error("non-ASCII string");
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error("non-integer number");
    return JSON.stringify(value);
  }

  const ed25519Keys = new Map();
  function importEd25519(raw) {
    const id = toHex(raw);
    if (!ed25519Keys.has(id)) {
      ed25519Keys.set(id, crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    }
    return ed25519Keys.get(id);
  }

  class ListError extends Error {
    constructor(kind, message) { super(message); this.kind = kind; } // kind: "network" | "authenticity"
  }

  const rootKeyText = document.querySelector('meta[name="certiprev-root-key"]')?.content || "";

  async function verifySigned(text) {
    let doc, signature, unsigned;
    try {
      doc = JSON.parse(text);
      if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error("not an object");
      signature = base64urlDecode(doc.signature);
      unsigned = { ...doc };
      delete unsigned.signature;
      unsigned = new TextEncoder().encode(canonical(unsigned));
    } catch (error) {
      throw new ListError("authenticity", error.message);
    }
    const root = await importEd25519(base64urlDecode(rootKeyText));
    if (signature.length !== 64 || !(await crypto.subtle.verify("Ed25519", root, signature, unsigned))) {
      throw new ListError("authenticity", "bad root signature");
    }
    return doc;
  }

  async function fetchText(name) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
    try {
      const response = await fetch(WELL_KNOWN + name, {
        credentials: "omit", cache: "no-cache", referrerPolicy: "no-referrer", signal: controller.signal,
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      return await response.text();
    } catch (error) {
      throw new ListError("network", error.message);
    } finally {
      clearTimeout(timer);
    }
  }

  async function parseKeyList(text) {
    const doc = await verifySigned(text);
    if (!Array.isArray(doc.keys)) throw new ListError("authenticity", "keys");
    // §6: a kid present twice rejects the whole list; an entry that does not parse is skipped, the rest kept.
    const kids = doc.keys.filter((jwk) => jwk && Number.isInteger(jwk.kid)).map((jwk) => jwk.kid);
    if (new Set(kids).size !== kids.length) throw new ListError("authenticity", "duplicate kid");
    const entries = new Map();
    const optionalDate = (value) => value === null || ISO_DATE.test(value);
    for (const jwk of doc.keys) {
      const ok = jwk && typeof jwk === "object" && jwk.kty === "OKP" && jwk.crv === "Ed25519" &&
        Number.isInteger(jwk.kid) && jwk.kid >= 0 && jwk.kid <= 255 &&
        ["active", "retired", "compromised"].includes(jwk.status) && optionalDate(jwk.not_before) &&
        optionalDate(jwk.not_after) &&
        !(jwk.not_before !== null && jwk.not_after !== null && jwk.not_after < jwk.not_before);
      let x = null;
      try { x = ok ? base64urlDecode(jwk.x) : null; } catch { x = null; }
      if (!ok || !x || x.length !== 32) continue;
      entries.set(jwk.kid, { x, status: jwk.status, notBefore: jwk.not_before, notAfter: jwk.not_after });
    }
    const issuedAt = ISO_MOMENT.test(doc.issued_at) ? doc.issued_at : "";
    const expires = ISO_MOMENT.test(doc.expires) ? doc.expires : "";
    // Past its `expires` (or, without one, past the maximum age) the list cannot vouch for any card (§6.1).
    const now = Date.now();
    const expired = expires ? now > Date.parse(expires) : !issuedAt || now - Date.parse(issuedAt) > KEYS_MAX_AGE_MS;
    return { entries, issuedAt, expires, expired };
  }

  function readStoredKeys() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      return stored && typeof stored.document === "string" ? stored : null;
    } catch {
      return null;
    }
  }

  function storeKeys(text) {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ document: text, saved_at: new Date().toISOString() }));
    } catch { /* storage disabled or full: verification still works online */ }
  }

  async function loadKeys() {
    let fresh = null, failure = null, cached = null;
    try {
      const text = await fetchText("keys.json");
      fresh = { ...(await parseKeyList(text)), text };
    } catch (error) {
      failure = error;
    }
    const stored = readStoredKeys();
    if (stored) {
      try { cached = { ...(await parseKeyList(stored.document)), savedAt: stored.saved_at }; } catch { cached = null; }
    }
    // A replayed older list (e.g. from a stale cache) must not bring back a key since marked compromised.
    let expiredFresh = null;
    if (fresh && fresh.expired) {
      [expiredFresh, fresh, failure] = [fresh, null, new ListError("stale", "expired")];
    }
    if (fresh && !(cached && cached.issuedAt > fresh.issuedAt)) {
      storeKeys(fresh.text);
      return { ...fresh, source: "network" };
    }
    if (cached && !(cached.expired && expiredFresh)) {
      return { ...cached, source: fresh ? "newer-copy" : "copy", failure: failure && failure.kind };
    }
    if (expiredFresh) return { ...expiredFresh, source: "network" }; // shown as "validité non vérifiable"
    return { failure: failure ? failure.kind : "network" };
  }

  async function loadRevoked() {
    try {
      const doc = await verifySigned(await fetchText("revoked.json"));
      if (!Array.isArray(doc.revoked) || !doc.revoked.every((id) => typeof id === "string" && HEX_ID.test(id))) {
        throw new ListError("authenticity", "revoked");
      }
      const issuedAt = ISO_MOMENT.test(doc.issued_at) ? doc.issued_at : "";
      // An authentic but older list (replayed by a stale cache) could hide a recent revocation.
      let seen = "";
      try { seen = localStorage.getItem(REVOKED_SEEN_KEY) || ""; } catch { seen = ""; }
      if (issuedAt < seen) throw new ListError("stale", "older than a list already seen");
      // §6.1: a list past its `expires` (or without one) never counts as "revocation checked".
      if (!ISO_MOMENT.test(doc.expires) || expiredAt(doc, Date.now())) throw new ListError("expired", "expired");
      try { localStorage.setItem(REVOKED_SEEN_KEY, issuedAt); } catch { /* storage disabled */ }
      return { ids: new Set(doc.revoked), issuedAt };
    } catch (error) {
      return { ids: null, failure: error.kind || "network" };
    }
  }

  async function loadOrganisations() {
    try {
      const text = await fetchText("organisations.json");
      const doc = JSON.parse(text);
      if (doc && typeof doc === "object" && "signature" in doc) await verifySigned(text);
      const organisations = doc && doc.organisations;
      return organisations && typeof organisations === "object" && !Array.isArray(organisations)
        ? organisations : null;
    } catch {
      return null;
    }
  }

  let listsCache = null;

  async function setUpLists() {
    if (!rootKeyText) return { problem: "no_root_key" };
    try {
      await importEd25519(base64urlDecode(rootKeyText));
    } catch (error) {
      return { problem: error && error.name === "NotSupportedError" ? "no_ed25519" : "no_root_key" };
    }
    const [keys, revoked, organisations] = await Promise.all([loadKeys(), loadRevoked(), loadOrganisations()]);
    return { keys, revoked, organisations, problem: keys.entries ? null : "no_keys" };
  }

  function currentLists() {
    const fresh = listsCache && Date.now() - listsCache.at < LISTS_MAX_AGE_MS;
    if (!fresh) {
      const promise = setUpLists();
      listsCache = { at: Date.now(), promise };
      promise.then((lists) => {
        renderSources(lists);
        const incomplete = lists.problem || lists.keys.source !== "network" || !lists.revoked.ids;
        if (incomplete && listsCache && listsCache.promise === promise) listsCache = null; // try again next time
      });
    }
    return listsCache ? listsCache.promise : setUpLists();
  }

  // --- Verification rules (§8) ----------------------------------------------------------------------------------
  function localToday() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  async function verifyContent(content, lists) {
    let decoded;
    try {
      decoded = decodeRecord(parseContent(content));
    } catch {
      return { status: "invalid", reason: "malformed", revocationChecked: false, record: null };
    }
    const { record, body, signature } = decoded;
    const result = (status, reason, revocationChecked = false) => ({ status, reason, revocationChecked, record });
    if (lists.problem) return result("unverifiable", lists.problem);
    if (lists.keys.expired) return result("unverifiable", "keys_expired");
    const key = lists.keys.entries.get(record.key_id);
    if (!key) return result("unknown_key", "unknown_key");
    const message = new Uint8Array(3 + body.length);
    message.set(SIGNED_PREFIX);
    message.set(body, 3);
    let authentic = false;
    try {
      authentic = await crypto.subtle.verify("Ed25519", await importEd25519(key.x), signature, message);
    } catch {
      authentic = false;
    }
    if (!authentic) return result("invalid", "bad_signature");
    if (key.status === "compromised") return result("invalid", "key_compromised");
    if (record.certified_on < key.notBefore || (key.notAfter !== null && record.certified_on > key.notAfter)) {
      return result("invalid", "outside_key_period");
    }
    const checked = lists.revoked.ids !== null;
    if (checked && lists.revoked.ids.has(record.revocation_id)) return result("revoked", "revoked", true);
    if (localToday() > record.valid_until) return result("expired", "expired", checked);
    return result("valid", "ok", checked);
  }

  const isAuthentic = (result) => ["valid", "expired", "revoked"].includes(result.status);

  // --- Formatting -----------------------------------------------------------------------------------------------
  const dateFormat = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const momentFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short" });
  // "14 mars 2027": the day stays with its month, the year may go to the next line in a narrow column.
  // French writes the first of the month "1er septembre" (Intl writes "1 septembre").
  const firstOfMonth = (text) => text.replace(/^1(?=[\s\u00a0])/, "1er");
  const formatDate = (iso) =>
    (iso ? firstOfMonth(dateFormat.format(new Date(iso + "T00:00:00Z"))).replace(" ", "\u00a0") : "");
  const formatMoment = (iso) => (iso ? firstOfMonth(momentFormat.format(new Date(iso))) : "date inconnue");
  const shortDate = (iso) => (iso ? iso.split("-").reverse().join("/") : "");

  let schemes = {};
  try { schemes = JSON.parse(document.getElementById("cp-schemes").textContent) || {}; } catch { schemes = {}; }

  const schemeCode = (code) => {
    const scheme = schemes[String(code)];
    return scheme ? scheme.code.replace(/_/g, " ") : `n° ${code}`; // "PRAP_2S" is printed "PRAP 2S" on cards
  };

  function schemeLabel(code) {
    const scheme = schemes[String(code)];
    return scheme ? `${scheme.name} (${schemeCode(code)})` : `Dispositif n° ${code}`;
  }

  function organisationName(id, organisations) {
    const organisation = organisations && Object.prototype.hasOwnProperty.call(organisations, String(id))
      ? organisations[String(id)] : null;
    return organisation && typeof organisation.name === "string" ? organisation : null;
  }

  function organisationLabel(id, organisations) {
    const organisation = organisationName(id, organisations);
    if (!organisation || !organisation.name) return `Organisme n° ${id}`;
    const habilitation = HABILITATIONS[organisation.habilitation];
    return `${organisation.name} (n° ${id})` + (habilitation ? ` — ${habilitation}` : "");
  }

  function revocationText(result, lists) {
    if (result.revocationChecked) {
      const when = `Statut de révocation au ${formatMoment(lists.revoked.issuedAt)}`;
      return result.status === "revoked" ? `${when} : révoqué.` : `${when} : ne figure pas parmi les certificats révoqués.`;
    }
    const failure = lists.revoked && lists.revoked.failure;
    if (failure === "authenticity") {
      return "Révocation non vérifiée : la liste des certificats révoqués reçue n’est pas authentique.";
    }
    if (failure === "expired") {
      return "Révocation non vérifiée : la liste des certificats révoqués reçue a dépassé sa date de validité.";
    }
    if (failure === "stale") {
      return "Révocation non vérifiée : la liste des certificats révoqués reçue est plus ancienne que celle déjà " +
        "consultée sur cet appareil.";
    }
    return "Révocation non vérifiée : la liste des certificats révoqués n’a pas pu être chargée.";
  }

  // The verdict itself says when the key list is a stored copy (§6.1; issue 12.5).
  const staleKeysNote = (keys) => (keys && keys.entries && keys.source !== "network"
    ? `Liste des clés du ${shortDate((keys.issuedAt || "").slice(0, 10))}, non actualisée (copie enregistrée sur ` +
      "cet appareil)."
    : "");

  function keysText(keys) {
    if (!keys || !keys.entries) return "Liste des clés indisponible : aucune carte ne peut être vérifiée.";
    const base = `Liste des clés du ${formatMoment(keys.issuedAt)}`;
    if (keys.expired) return `${base} (date limite dépassée : aucune carte ne peut être vérifiée avec elle).`;
    if (keys.source === "copy") {
      return `${base} (copie enregistrée sur cet appareil le ${formatMoment(keys.savedAt)} ; serveur injoignable).`;
    }
    if (keys.source === "newer-copy") return `${base} (copie enregistrée, plus récente que celle reçue).`;
    return base + ".";
  }

  function problemText(problem) {
    return {
      no_root_key: "Les clés de signature ne peuvent pas être vérifiées : la clé racine de Certiprev n’est pas " +
        "configurée sur ce site. Aucune carte ne peut être déclarée authentique ici.",
      no_ed25519: "Ce navigateur ne sait pas vérifier les signatures Ed25519 : mettez-le à jour (Chrome, Edge, " +
        "Firefox ou Safari récents) pour vérifier cette carte.",
      no_keys: "La liste des clés de Certiprev n’a pas pu être chargée et aucune copie n’est enregistrée sur cet " +
        "appareil : connectez-vous à Internet puis réessayez.",
      keys_expired: "Validité non vérifiable : la liste des clés disponible a dépassé sa date limite " +
        "d’utilisation et n’a pas pu être actualisée. Ne vous fiez pas à la carte : réessayez avec une connexion.",
    }[problem] || "";
  }

  // Banner: tone, icon, title and explanation for each outcome.
  function presentation(result, lists) {
    const record = result.record;
    switch (result.status) {
      case "valid":
        return result.revocationChecked
          ? ["ok", "i-valid", "Certificat valide",
            `Signature authentique. Valable jusqu’au ${formatDate(record.valid_until)}.`]
          : ["warn", "i-warning", "Certificat valide — révocation non vérifiée",
            "Signature authentique et certificat non expiré, mais la liste des certificats révoqués n’a pas pu " +
            "être consultée : impossible de dire s’il a été révoqué. Réessayez avec une connexion."];
      case "expired":
        return ["expired", "i-clock", "Certificat expiré",
          `Certificat authentique, mais il n’était valable que jusqu’au ${formatDate(record.valid_until)}.`];
      case "revoked":
        return ["bad", "i-invalid", "Certificat révoqué",
          "Ce certificat a été retiré par le réseau\u00a0: il n’est plus valable."];
      case "unknown_key":
        return ["neutral", "i-key", "Clé de signature inconnue",
          `Ce code est signé par une clé (n° ${record.key_id}) absente de la liste des clés du ` +
          `${formatMoment(lists.keys.issuedAt)}. Son authenticité n’est pas établie : ` +
          "réessayez plus tard avec une connexion, et ne vous fiez pas à la carte d’ici là."];
      case "unverifiable":
        return ["neutral", "i-key", result.reason === "keys_expired" ? "Validité non vérifiable" : "Vérification impossible",
          problemText(result.reason)];
      default:
        return ["bad", "i-invalid", "Code invalide",
          `${REASONS[result.reason]} Ne vous fiez pas aux informations imprimées sur la carte.`];
    }
  }

  // --- DOM helpers (text only: nothing decoded is ever parsed as HTML) -----------------------------------------
  // French typography: no line break before ":", ";", "?", "!" nor after "n°".
  const typeset = (text) => text.replace(/ ([:;?!])/g, "\u00a0$1").replace(/n° /g, "n°\u00a0");

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(typeof child === "string" ? typeset(child) : child);
    }
    return node;
  }

  function icon(id) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", "#" + id);
    svg.append(use);
    return svg;
  }

  const live = document.getElementById("live");
  function announce(text) {
    live.textContent = "";
    setTimeout(() => { live.textContent = typeset(text); }, 50); // a change screen readers notice even for the same text
  }

  // --- One card -------------------------------------------------------------------------------------------------
  const resultBox = document.getElementById("result");

  function renderResult(result, lists) {
    const [tone, iconId, title, text] = presentation(result, lists);
    const banner = el("div", { class: `status status-${tone}` },
      icon(iconId),
      el("div", { class: "status-text" },
        el("p", { class: "badge", "data-testid": "status-label" }, STATUS_LABELS[result.status]),
        el("p", { class: "status-title" }, title),
        el("p", { class: "status-explanation" }, text),
        ...(staleKeysNote(lists.keys) ? [el("p", { class: "status-keys", "data-testid": "keys-note" },
          staleKeysNote(lists.keys))] : [])));
    const parts = [banner];
    if (isAuthentic(result)) {
      const record = result.record;
      const rows = [ // [term, value, data-field, spans the full width]
        ["Nom", record.last_name, "last-name", true],
        ["Prénoms", record.first_names, "first-names", true],
        record.birth_date ? ["Date de naissance", formatDate(record.birth_date), "birth-date", true] : null,
        ["Formation", schemeLabel(record.scheme_code), "scheme", true],
        ["Type", KIND_LABELS[record.kind], "kind", true],
        ["Obtenu le", formatDate(record.certified_on), "certified-on", false],
        ["Valable jusqu’au", formatDate(record.valid_until), "valid-until", false],
        ["Organisme de formation", organisationLabel(record.organisation_id, lists.organisations), "organisation", true],
      ].filter(Boolean);
      const list = el("dl", { class: "fields" });
      for (const [term, value, id, wide] of rows) {
        list.append(el("div", { class: wide ? "field wide" : "field" }, el("dt", {}, term),
          el("dd", { "data-field": id }, value)));
      }
      parts.push(el("h3", { class: "fields-title" }, result.status === "revoked"
        ? "Informations du certificat révoqué" : "Informations certifiées par la signature"), list);
      if (record.names_truncated) {
        parts.push(el("p", { class: "note note-warn" }, "Noms abrégés dans le code (trop longs) : ils doivent " +
          "correspondre au début des noms imprimés sur la carte."));
      }
      parts.push(el("p", { class: "note" }, "Noms sans accents, en majuscules, tels qu’enregistrés dans le code : " +
        "comparez-les avec une pièce d’identité."));
      parts.push(el("p", {
        class: result.revocationChecked ? "revocation" : "revocation revocation-unchecked",
        "data-field": "revocation",
      }, revocationText(result, lists)));
    }
    resultBox.replaceChildren(...parts);
    resultBox.dataset.status = result.status;
    resultBox.dataset.reason = result.reason;
    resultBox.dataset.revocationChecked = String(result.revocationChecked);
    resultBox.hidden = false;
    const revocation = isAuthentic(result) && !result.revocationChecked ? " Révocation non vérifiée." : "";
    announce(`Résultat : ${STATUS_LABELS[result.status]}. ${title}.${revocation}`);
  }

  async function checkOne(content, { focus }) {
    resultBox.hidden = false;
    resultBox.removeAttribute("data-status");
    resultBox.replaceChildren(el("p", { class: "pending" }, "Vérification en cours…"));
    const lists = await currentLists();
    const result = await verifyContent(content, lists);
    renderResult(result, lists);
    if (focus) resultBox.focus();
    return result;
  }

  function fragmentContent() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return location.hash.slice(1);
    }
  }

  // --- Several cards --------------------------------------------------------------------------------------------
  const rows = [];
  const tableBody = document.querySelector("#many-table tbody");
  const csvButton = document.getElementById("csv");
  const clearButton = document.getElementById("clear");
  let manyLists = null;

  async function addCards(text) {
    const contents = text.split(/[\t\n\v\f\r ]+/).filter(Boolean); // ASCII whitespace only, as §2
    if (!contents.length) return;
    const lists = await currentLists();
    manyLists = lists;
    for (const content of contents) {
      const result = await verifyContent(content, lists);
      const signature = result.record ? canonicalRecordKey(content) : null;
      const duplicateOf = signature ? rows.find((row) => row.signature === signature) : null;
      rows.push({ number: rows.length + 1, result, signature, duplicateOf: duplicateOf ? duplicateOf.number : null,
        checkedAt: new Date().toISOString() });
      appendRow(rows[rows.length - 1], lists);
    }
    renderSummary();
    const last = rows[rows.length - 1];
    announce(`Carte n° ${last.number} : ${STATUS_LABELS[last.result.status]}. ` +
      `${plural(rows.length, "carte", "cartes")} dans le tableau.`);
  }

  function canonicalRecordKey(content) {
    try { return toHex(parseContent(content)); } catch { return null; }
  }

  function rowStatusLabel(result) {
    const label = STATUS_LABELS[result.status];
    return isAuthentic(result) && !result.revocationChecked ? `${label} (révocation non vérifiée)` : label;
  }

  const SUMMARY_WORDS = {
    valid: ["valide", "valides"], expired: ["expirée", "expirées"], revoked: ["révoquée", "révoquées"],
    invalid: ["invalide", "invalides"], unknown_key: ["à clé inconnue", "à clé inconnue"],
    unverifiable: ["non vérifiable", "non vérifiables"],
  };
  const plural = (n, one, many) => `${n} ${n > 1 ? many : one}`;

  function appendRow(row, lists) {
    const { result } = row;
    const record = isAuthentic(result) ? result.record : null;
    const tone = presentation(result, lists)[0];
    const holder = el("td", { "data-col": "holder" });
    if (record) {
      holder.append(el("span", { class: "name" }, `${record.last_name} ${record.first_names}`.trim()));
      // On a phone the formation and date columns are hidden: repeat them under the name.
      holder.append(el("span", { class: "narrow-only sub" },
        `${schemeCode(record.scheme_code)} — jusqu’au ` +
        formatDate(record.valid_until)));
      if (row.duplicateOf) holder.append(el("span", { class: "duplicate" }, `Déjà vue : n° ${row.duplicateOf}`));
    } else {
      holder.append(el("span", { class: "why" }, REASONS[result.reason] || problemText(result.reason)));
    }
    tableBody.append(el("tr", { "data-status": result.status },
      el("td", {}, String(row.number)),
      el("td", { "data-col": "status" }, el("span", { class: `pill pill-${tone}` }, rowStatusLabel(result))),
      holder,
      el("td", { class: "wide-only", "data-col": "scheme" }, record ? schemeLabel(record.scheme_code) : "—"),
      el("td", { class: "wide-only", "data-col": "valid-until" }, record ? formatDate(record.valid_until) : "—")));
    csvButton.disabled = clearButton.disabled = false;
  }

  function renderSummary() {
    const counts = {};
    for (const row of rows) counts[row.result.status] = (counts[row.result.status] || 0) + 1;
    const parts = Object.entries(counts).map(([status, n]) => plural(n, ...SUMMARY_WORDS[status]));
    document.getElementById("many-summary").textContent = rows.length
      ? typeset(`${plural(rows.length, "carte vérifiée", "cartes vérifiées")} : ${parts.join(", ")}.`) : "";
    document.getElementById("many-caption").textContent = `Cartes vérifiées (${rows.length})`;
  }

  function csvCell(value) {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text; // no formula injection when opened in a spreadsheet
    return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function buildCsv() {
    const header = ["N°", "Statut", "Motif", "Nom", "Prénoms", "Noms abrégés", "Date de naissance", "Formation",
      "Code formation", "Type", "Obtenu le", "Valable jusqu’au", "Organisme", "N° organisme", "Révocation vérifiée",
      "Statut de révocation au", "Liste des clés du", "Vérifiée le"];
    const lines = [header];
    for (const row of rows) {
      const { result } = row;
      const record = isAuthentic(result) ? result.record : null;
      const scheme = record ? schemes[String(record.scheme_code)] : null;
      const organisation = record ? organisationName(record.organisation_id, manyLists.organisations) : null;
      lines.push([
        row.number, STATUS_LABELS[result.status], REASONS[result.reason] ?? problemText(result.reason),
        record ? record.last_name : "", record ? record.first_names : "",
        record ? (record.names_truncated ? "oui" : "non") : "", record ? shortDate(record.birth_date) : "",
        record ? (scheme ? scheme.name : `Dispositif n° ${record.scheme_code}`) : "",
        record ? (scheme ? scheme.code : String(record.scheme_code)) : "",
        record ? KIND_LABELS[record.kind] : "", record ? shortDate(record.certified_on) : "",
        record ? shortDate(record.valid_until) : "", organisation ? organisation.name : "",
        record ? String(record.organisation_id) : "", record ? (result.revocationChecked ? "oui" : "non") : "",
        result.revocationChecked ? formatMoment(manyLists.revoked.issuedAt) : "",
        manyLists && manyLists.keys && manyLists.keys.entries ? formatMoment(manyLists.keys.issuedAt) : "",
        formatMoment(row.checkedAt),
      ]);
    }
    return lines.map((line) => line.map(csvCell).join(";")).join("\r\n") + "\r\n";
  }

  function downloadCsv() {
    const blob = new Blob(["\ufeff", buildCsv()], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: `verification-certiprev-${localToday()}.csv`, hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce("Export CSV téléchargé.");
  }

  // Optional camera scanning where the browser has a QR decoder (BarcodeDetector: Android, ChromeOS, macOS).
  let scanning = null;
  async function startScan() {
    const scanner = document.getElementById("scanner"), video = document.getElementById("scanner-video");
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      await video.play();
      scanner.hidden = false;
      scanning = { stream, last: "", lastAt: 0 };
      const tick = async () => {
        if (!scanning) return;
        try {
          for (const code of await detector.detect(video)) {
            const now = Date.now();
            if (code.rawValue && (code.rawValue !== scanning.last || now - scanning.lastAt > 5000)) {
              scanning.last = code.rawValue;
              scanning.lastAt = now;
              await addCards(code.rawValue);
            }
          }
        } catch { /* a frame without a readable code */ }
        setTimeout(tick, 300);
      };
      tick();
    } catch {
      stopScan();
      announce("La caméra n’est pas disponible : collez le contenu des QR codes à la place.");
    }
  }

  function stopScan() {
    if (scanning) scanning.stream.getTracks().forEach((track) => track.stop());
    scanning = null;
    document.getElementById("scanner").hidden = true;
  }

  // --- Sources panel --------------------------------------------------------------------------------------------
  function renderSources(lists) {
    const items = [];
    if (lists.problem && lists.problem !== "no_keys") {
      items.push(problemText(lists.problem));
    } else {
      items.push(keysText(lists.keys));
      items.push(lists.revoked.ids
        ? `Statut de révocation au ${formatMoment(lists.revoked.issuedAt)} (liste de ` +
          `${plural(lists.revoked.ids.size, "certificat révoqué", "certificats révoqués")}).`
        : revocationText({ revocationChecked: false }, lists));
      if (!lists.organisations) {
        items.push("Liste des organismes indisponible : les organismes sont indiqués par leur numéro.");
      }
    }
    document.getElementById("sources").replaceChildren(...items.map((text) => el("li", {}, text)));
  }

  // --- Wiring ---------------------------------------------------------------------------------------------------
  const sections = { one: document.getElementById("one"), many: document.getElementById("many") };
  const modeButtons = { one: document.getElementById("mode-one"), many: document.getElementById("mode-many") };

  function showMode(mode, { focus } = { focus: true }) {
    for (const name of Object.keys(sections)) {
      sections[name].hidden = name !== mode;
      modeButtons[name].setAttribute("aria-pressed", String(name === mode));
    }
    if (mode !== "many") stopScan();
    if (focus) document.getElementById(mode === "many" ? "many-input" : "one-input").focus();
  }

  function submitOnEnter(textarea, form) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  function start() {
    const oneForm = document.getElementById("one-form"), oneInput = document.getElementById("one-input");
    const manyForm = document.getElementById("many-form"), manyInput = document.getElementById("many-input");
    modeButtons.one.addEventListener("click", () => showMode("one"));
    modeButtons.many.addEventListener("click", () => showMode("many"));
    submitOnEnter(oneInput, oneForm);
    submitOnEnter(manyInput, manyForm);

    oneForm.addEventListener("submit", async (event) => {
      event.preventDefault(); // nothing is ever submitted to the server (the CSP forbids it anyway)
      const content = oneInput.value; // trimmed by parseContent, of ASCII whitespace only (§2)
      if (!content.replace(ASCII_TRIM, "")) { oneInput.focus(); return; }
      const result = await checkOne(content, { focus: true });
      // Keep the address bar consistent with the result shown, without any request (replaceState only).
      const digits = result.record ? CONTENT.exec(content.replace(ASCII_TRIM, ""))[1] : "";
      history.replaceState(null, "", location.pathname + (digits ? "#" + digits : ""));
    });
    manyForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = manyInput.value;
      manyInput.value = "";
      manyInput.focus();
      await addCards(text);
    });
    csvButton.addEventListener("click", downloadCsv);
    clearButton.addEventListener("click", () => {
      rows.length = 0;
      tableBody.replaceChildren();
      renderSummary();
      csvButton.disabled = clearButton.disabled = true;
      announce("Tableau vidé.");
      manyInput.focus();
    });
    if ("BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      const scan = document.getElementById("scan");
      scan.hidden = false;
      scan.addEventListener("click", startScan);
      document.getElementById("scan-stop").addEventListener("click", stopScan);
    }

    const fromFragment = () => {
      const content = fragmentContent();
      if (content === "plusieurs") { showMode("many", { focus: false }); currentLists(); return; }
      showMode("one", { focus: false });
      if (content) checkOne(content, { focus: false });
      else currentLists();
    };
    window.addEventListener("hashchange", fromFragment);
    fromFragment();
    document.documentElement.dataset.ready = "true";
  }

  start();
})();
