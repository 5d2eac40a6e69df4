// Swedish for the texts Streamlit's frontend draws itself (it has no translations): widget
// instructions, the grid's toolbar and menus, pickers, screen-reader labels and the status widget.
// Also names each cell of a static table by its column (data-label), so that on a phone look.css can
// show each row as a card.
// Runs once per browser tab (dashboards/components/look.py); a MutationObserver translates what React
// draws later. Only whole texts are replaced, so a sentence of the app that merely contains one of
// these words is never touched. Nothing here loads anything from anywhere.
(() => {
  if (window.__stTrackerLook) return;
  window.__stTrackerLook = true;

  const EXACT = {
    // File uploader
    "Drag and drop a file here": "Dra och släpp en fil här",
    "Drag and drop files here": "Dra och släpp filer här",
    "Drag and drop directories here": "Dra och släpp mappar här",
    "Upload": "Välj fil",
    "Add files": "Lägg till filer",
    "Upload directories": "Välj mappar",
    "file upload": "filuppladdning",
    "Delete": "Ta bort",
    "Error uploading file": "Filen kunde inte laddas upp",
    "Error deleting file": "Filen kunde inte tas bort",
    // Data grid: toolbar, search, column menu
    "Show/hide columns": "Visa/dölj kolumner",
    "Search": "Sök",
    "Type to search": "Skriv för att söka",
    "Close Search": "Stäng sökningen",
    "Previous Result": "Föregående träff",
    "Next Result": "Nästa träff",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Download as CSV": "Ladda ner som CSV",
    "Dataframe column menu": "Kolumnmeny",
    "Sort ascending": "Sortera stigande",
    "Sort descending": "Sortera fallande",
    "Hide column": "Dölj kolumnen",
    "Pin column": "Lås kolumnen",
    "Unpin column": "Lås upp kolumnen",
    "Autosize": "Anpassa bredden",
    "Copy column name": "Kopiera kolumnnamnet",
    "Format": "Format",
    "Automatic": "Automatiskt",
    "Localized": "Svenskt format",
    "Plain": "Utan format",
    "Compact": "Kompakt",
    "Scientific": "Grundpotensform",
    "Percent": "Procent",
    "Accounting": "Bokföring",
    "Relative": "Relativt",
    "Distance": "Avstånd",
    "Calendar": "Kalender",
    "Statistics": "Statistik",
    "Clear selection": "Rensa markeringen",
    "Loading...": "Laddar …",
    "No data": "Inga data",
    "Empty": "Tomt",
    // Selectbox and multiselect
    "Choose an option": "Välj",
    "Choose options": "Välj",
    "Select...": "Välj …",
    "Select all": "Välj alla",
    "No results": "Inga träffar",
    "No options": "Inga alternativ",
    "Clear all": "Rensa alla",
    "Clear value": "Rensa",
    "Selected values": "Valda värden",
    "Multiselect options": "Alternativ",
    "Selectbox options": "Alternativ",
    "Show suggestions": "Visa förslag",
    "Suggestions": "Förslag",
    "Open": "Öppna",
    "Close": "Stäng",
    "Dismiss": "Stäng",
    // Date input
    "Choose date": "Välj datum",
    "Choose date range": "Välj period",
    "Clear date": "Rensa datumet",
    "Clear dates": "Rensa datumen",
    "Date range": "Period",
    "Quick select a date range": "Snabbval av period",
    "Previous month": "Föregående månad",
    "Next month": "Nästa månad",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
      "Flytta mellan dagarna med piltangenterna, välj med Enter och stäng med Esc.",
    yyyy: "åååå",
    "Start date must be before end date.": "Startdatum måste ligga före slutdatum.",
    "End date must be >= start date": "Slutdatum får inte ligga före startdatum.",
    "Selected date unavailable.": "Datumet kan inte väljas.",
    "Start Date": "Startdatum",
    "End Date": "Slutdatum",
    // Number and text input
    "Increment": "Öka",
    "Decrement": "Minska",
    "Number is above the allowed range.": "Talet är större än det tillåtna.",
    "Number is below the allowed range.": "Talet är mindre än det tillåtna.",
    "Show password": "Visa tecknen",
    "Hide password": "Dölj tecknen",
    "Clear entry": "Rensa",
    "Invalid input.": "Ogiltigt värde.",
    "This field is required.": "Fältet måste fyllas i.",
    "Unexpected error. Please try again.": "Ett oväntat fel. Försök igen.",
    Error: "Fel",
    // Page chrome
    "Link to heading": "Länk till rubriken",
    "Collapse sidebar": "Stäng sidomenyn",
    "Expand sidebar": "Öppna sidomenyn",
    "Sidebar": "Sidomeny",
    "App pages": "Sidor",
    "View less": "Visa färre",
    "Main menu": "Meny",
    "Skip to main content": "Hoppa till innehållet",
    "Copy to clipboard": "Kopiera",
    "Copy": "Kopiera",
    "Copied": "Kopierat",
    "Scroll tabs left": "Bläddra flikarna åt vänster",
    "Scroll tabs right": "Bläddra flikarna åt höger",
    "Toolbar action": "Verktyg",
    "Rerun": "Kör om",
    "Print": "Skriv ut",
    "Settings": "Inställningar",
    "About": "Om",
    // Status widget and connection
    "Running...": "Arbetar …",
    "Stop": "Avbryt",
    "Stopping...": "Avbryter …",
    "Please wait...": "Vänta …",
    "Connecting": "Ansluter",
    "Connection error": "Ingen kontakt med servern",
    "Connection lost. Please wait for the app to reconnect, then try again.":
      "Kontakten med servern bröts. Vänta tills den är tillbaka och försök igen.",
    "Reconnected to server.": "Kontakten med servern är tillbaka.",
    "Page not found": "Sidan finns inte",
    "The page that you have requested does not seem to exist": "Sidan du bad om verkar inte finnas",
    "Try again": "Försök igen",
    "Retry": "Försök igen",
  };

  const UNITS = { B: "byte", KB: "kB", MB: "MB", GB: "GB" };
  // Streamlit writes bytes with a decimal too ("70.0B"): whole bytes are whole.
  const size = (n, unit) => `${unit === "B" ? String(Math.round(Number(n))) : n.replace(".", ",")} ${UNITS[unit]}`;
  const PATTERNS = [
    [/^Help for (.+)$/s, (_, what) => `Hjälp: ${what}`],
    [/^Remove (.+)$/s, (_, what) => `Ta bort ${what}`],
    [/^Select (\d+) matches$/, (_, n) => `Välj ${n} träffar`],
    [/^(\d+) options? available\.$/, (_, n) => `${n} alternativ.`],
    [/^(.+), selected$/s, (_, what) => `${what}, vald`],
    [/^View (\d+) more$/, (_, n) => `Visa ${n} till`],
    [/^(year|month|day), (.+)$/s, (_, part, what) => `${{ year: "år", month: "månad", day: "dag" }[part]}, ${what}`],
    [/^Choose date, (.+)$/, (_, month) => `Välj datum, ${month}`],
    [/^Choose date range, (.+)$/, (_, month) => `Välj period, ${month}`],
    [/^Selected Date: (.+)$/, (_, d) => `Valt datum: ${d}`],
    [/^Selected Range: (.+) to (.+)$/, (_, a, b) => `Vald period: ${a} till ${b}`],
    [/^[a-z0-9_]+ icon$/, () => "symbol"],
    [/^Value must be (.+) or later\.$/, (_, d) => `Datumet får inte vara före ${d}.`],
    [/^Value must be (.+) or earlier\.$/, (_, d) => `Datumet får inte vara efter ${d}.`],
    [/^Date( and time)? set outside allowed range\. Please select a date(?: and time)? between (.+) and (.+)\.$/,
      (_, time, a, b) => `${time ? "Datum och tid" : "Datumet"} ligger utanför det tillåtna: välj mellan ${a} och ${b}.`],
    [/^Date( and time)? set outside allowed range\. Please select a date(?: and time)? on or after (.+)\.$/,
      (_, time, a) => `${time ? "Datum och tid" : "Datumet"} ligger utanför det tillåtna: välj ${a} eller senare.`],
    [/^Date( and time)? set outside allowed range\. Please select a date(?: and time)? on or before (.+)\.$/,
      (_, time, b) => `${time ? "Datum och tid" : "Datumet"} ligger utanför det tillåtna: välj ${b} eller tidigare.`],
    [/^Number is above the allowed range\. Please enter a value less than or equal to (.+)\.$/,
      (_, n) => `Talet är för stort: ange högst ${n}.`],
    [/^Number is below the allowed range\. Please enter a value greater than or equal to (.+)\.$/,
      (_, n) => `Talet är för litet: ange minst ${n}.`],
    [/^Number is outside the allowed range\. Please enter a value between (.+) and (.+)\.$/,
      (_, a, b) => `Talet ligger utanför det tillåtna: ange ett tal mellan ${a} och ${b}.`],
    [/^(\d+(?:\.\d+)?) ?(B|KB|MB|GB) per file(.*)$/s, (_, n, u, rest) => `Högst ${size(n, u)} per fil${rest}`],
    [/^(\d+(?:\.\d+)?) ?(B|KB|MB|GB)$/, (_, n, u) => size(n, u)],
    [/^(.+), (\d+(?:\.\d+)?) ?(B|KB|MB|GB)$/s, (_, name, n, u) => `${name}, ${size(n, u)}`],
    [/^(.+) files are not allowed\.$/, (_, type) => `Filer av typen ${type} tas inte emot.`],
    [/^File is larger than (\d+) bytes$/, (_, n) => `Filen är större än ${(Number(n) / 1e6).toLocaleString("sv-SE")} MB.`],
    [/^Press (.+) to submit form$/, (_, key) => `Tryck på ${key} för att skicka formuläret`],
    [/^Press (.+) to apply$/, (_, key) => `Tryck på ${key} för att verkställa`],
  ];

  const translateWhole = (key) => {
    if (Object.prototype.hasOwnProperty.call(EXACT, key)) return EXACT[key];
    for (const [re, fn] of PATTERNS) {
      if (re.test(key)) return key.replace(re, fn);
    }
    return null;
  };
  // A widget's error comes as "Error: …", "**Error**: …" (Markdown) or, after a bold "Error", as ": …".
  const PREFIXES = [["**Error**: ", "**Fel**: "], ["Error: ", "Fel: "], [": ", ": "]];
  const translate = (text) => {
    const key = text.trim();
    if (!key || key.length > 300) return null;
    const whole = translateWhole(key);
    if (whole !== null) return whole;
    for (const [en, sv] of PREFIXES) {
      if (!key.startsWith(en)) continue;
      const rest = translateWhole(key.slice(en.length));
      if (rest !== null) return sv + rest;
    }
    return null;
  };

  // Text typed by a person and the icon font's ligatures ("search", "upload") are never translated
  // (no ligature is an entry above).
  const SKIP = "input, textarea, code, pre, [data-testid='stIconMaterial']";
  const ATTRS = ["aria-label", "title", "placeholder", "aria-placeholder", "data-title"];

  window.__stTrackerTranslate = translate; // tests/test_look.py checks the table through it

  // The uploader's one button says "Upload" whether it takes one file or several.
  const uploadLabel = (el) => {
    const input = el.closest("[data-testid='stFileUploader']")?.querySelector("input[type='file']");
    return input && input.multiple ? "Välj filer" : "Välj fil";
  };

  const fixText = (node) => {
    const parent = node.parentElement;
    if (!parent || parent.closest(SKIP)) return;
    const sv = node.nodeValue.trim() === "Upload" ? uploadLabel(parent) : translate(node.nodeValue || "");
    if (sv !== null && sv !== node.nodeValue.trim()) node.nodeValue = sv;
  };
  const fixAttrs = (el) => {
    for (const name of ATTRS) {
      const value = el.getAttribute(name);
      if (!value) continue;
      const sv = translate(value);
      if (sv !== null && sv !== value) el.setAttribute(name, sv);
    }
  };
  const TABLE = "[data-testid='stTableStyledTable']";
  const labelCells = (table) => {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (names[i] && cell.getAttribute("data-label") !== names[i]) cell.setAttribute("data-label", names[i]);
      });
    }
  };
  const fixTree = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const table = root.closest(TABLE);
    if (table) labelCells(table);
    for (const t of root.querySelectorAll(TABLE)) labelCells(t);
    fixAttrs(root);
    for (const el of root.querySelectorAll(ATTRS.map((a) => `[${a}]`).join(","))) fixAttrs(el);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) fixText(n);
  };

  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttrs(r.target);
      else r.addedNodes.forEach(fixTree);
      // React reuses a table for another list and changes only its texts: name its cells again.
      const table = (r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement)?.closest(TABLE);
      if (table) labelCells(table);
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRS,
  });
  fixTree(document.body);

  // On a narrow window the menu covers the page: close it once a page is chosen. Streamlit does this
  // itself only for browsers that say they are phones; a narrow desktop window or a tablet asking for
  // the desktop site gets the same.
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("[data-testid='stSidebarNavLink']")) return;
    if (window.innerWidth > 768) return;
    setTimeout(() => {
      const collapse = document.querySelector("[data-testid='stSidebarCollapseButton'] button");
      if (collapse && collapse.getAttribute("aria-expanded") === "true") collapse.click();
    }, 0);
  });
})();
