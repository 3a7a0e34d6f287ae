// The signed-in business: its organization (zone, region, words) and the
// queries every screen shares.
import { createContext, useContext } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Organization, type Service, type Staff } from "../api/client";
import { regionOf, type Region } from "./time";

export interface BusinessCtx {
  org: Organization;
  tz: string;
  region: Region;
  level: string;
  impersonated: boolean;
}

export const Business = createContext<BusinessCtx | null>(null);

export function useBusiness(): BusinessCtx {
  const b = useContext(Business);
  if (!b) throw new Error("useBusiness outside a signed-in page");
  return b;
}

export function ctxOf(org: Organization, level: string, impersonated: boolean): BusinessCtx {
  return { org, tz: org.timezone, region: regionOf(org.timezone), level, impersonated };
}

export function useStaff() {
  return useQuery({
    queryKey: ["staff"],
    queryFn: async () => unwrap(await api.GET("/api/v1/staff", { params: { query: { limit: "100" } } })).items as Staff[],
  });
}

export function useServices() {
  return useQuery({
    queryKey: ["services"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/services", { params: { query: { limit: "100" } } })).items as Service[],
  });
}

export const LEVELS = ["viewer", "staff", "admin", "owner"];
export function atLeast(level: string, min: string): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}
