// Place a community: tap the map (SVG coordinates back to latitude and longitude, by the projection
// of barter/reference/map.json given on the #picker element), or take the chosen sub-district's point.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("picker");
  if (!box) return;
  const svg = box.querySelector("svg");
  const p = box.dataset;
  const scale = parseFloat(p.scale);
  const kx = parseFloat(p.kx);

  function mark(x, y) {
    let dot = svg.querySelector("circle.picked");
    if (!dot) {
      dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("class", "pt picked");
      dot.setAttribute("r", "10");
      svg.appendChild(dot);
    }
    dot.setAttribute("cx", x);
    dot.setAttribute("cy", y);
  }

  function put(lat, lon) {
    document.getElementById("lat").value = lat.toFixed(5);
    document.getElementById("lon").value = lon.toFixed(5);
    mark((lon - parseFloat(p.lon0)) * kx * scale, (parseFloat(p.lat1) - lat) * scale);
  }

  svg.addEventListener("click", (event) => {
    const pt = svg.createSVGPoint();
    pt.x = event.clientX;
    pt.y = event.clientY;
    const at = pt.matrixTransform(svg.getScreenCTM().inverse());
    put(parseFloat(p.lat1) - at.y / scale, parseFloat(p.lon0) + at.x / (kx * scale));
  });

  const take = document.getElementById("from-subdistrict");
  if (take) {
    take.addEventListener("click", () => {
      const chosen = document.getElementById("subdistrict_code").selectedOptions[0];
      const note = document.getElementById("from-subdistrict-note");
      if (!chosen || !chosen.dataset.lat) {
        note.hidden = false;
        return;
      }
      note.hidden = true;
      put(parseFloat(chosen.dataset.lat), parseFloat(chosen.dataset.lon));
    });
  }
});
