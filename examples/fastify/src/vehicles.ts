// The data this tiny service guards.
export const VEHICLES = [
  { id: "v-1", plate: "KW-101", model: "Transit", status: "available" },
  { id: "v-2", plate: "KW-102", model: "Sprinter", status: "on_route" },
  { id: "v-3", plate: "KW-103", model: "e-Vito", status: "charging" },
];
