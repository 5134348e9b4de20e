/** DigitalOcean block storage: DOKS' CSI storage class (ReadWriteOnce volumes, grown online). */
export const DO_BLOCK_STORAGE = "do-block-storage";
