// The signed-in business: its organization (zone, region, words) and the
// queries every screen shares.
import { createContext, useContext } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Location, type Organization, type Staff } from "../api/client";
import { registerLocale, type Region } from "./time";

export interface BusinessCtx {
  org: Organization;
  tz: string;
  region: Region;
  level: string;
  impersonated: boolean;
  /** The location picked in the header (businesses with more than one). */
  locationId: string | null;
  setLocationId: (id: string) => void;
}

export const Business = createContext<BusinessCtx | null>(null);

export function useBusiness(): BusinessCtx {
  const b = useContext(Business);
  if (!b) throw new Error("useBusiness outside a signed-in page");
  return b;
}

export function ctxOf(
  org: Organization,
  level: string,
  impersonated: boolean,
  locationId: string | null = null,
  setLocationId: (id: string) => void = () => {},
): BusinessCtx {
  // The API's locale (one value with the chat's) decides words and times.
  const region = registerLocale(org.timezone, org.locale);
  return { org, tz: org.timezone, region, level, impersonated, locationId, setLocationId };
}

export const staffQuery = {
  queryKey: ["staff"],
  queryFn: async () => unwrap(await api.GET("/api/v1/staff", { params: { query: { limit: "100" } } })).items,
};

export const servicesQuery = {
  queryKey: ["services"],
  queryFn: async () =>
    unwrap(await api.GET("/api/v1/services", { params: { query: { limit: "100" } } })).items,
};

export function useStaff() {
  return useQuery(staffQuery);
}

export function useServices() {
  return useQuery(servicesQuery);
}

export const LEVELS = ["viewer", "staff", "admin", "owner"];
export function atLeast(level: string, min: string): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

export function useLocations() {
  return useQuery({
    queryKey: ["locations"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/locations", { params: { query: { limit: "100" } } })).items,
  });
}

// The location chosen with the header's switch (businesses with more than
// one): the agenda shows its people, the settings edit its hours.
export const LOCATION_KEY = "parlo.location";
export function chosenLocation(locations: Location[] | undefined, id: string | null): Location | undefined {
  if (!locations?.length) return undefined;
  return locations.find((l) => l.id === id) ?? locations.find((l) => l.is_primary) ?? locations[0];
}

/** The chosen location of the signed-in business and how many it has. */
export function useChosenLocation(): { location: Location | undefined; count: number } {
  const b = useBusiness();
  const locations = useLocations();
  return { location: chosenLocation(locations.data, b.locationId), count: locations.data?.length ?? 0 };
}

/** Whether a person works at the chosen location (no location: every one). */
export function worksAt(s: Staff, location: Location | undefined, count: number): boolean {
  return count < 2 || !location || !s.location_id || s.location_id === location.id;
}

export function useSpots() {
  return useQuery({
    queryKey: ["spots"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/spots", { params: { query: { limit: "100" } } })).items,
  });
}
