import type { RapportConfig } from '../../config/schema.ts';
import type { PersonalData } from '../../core/privacy/personal-data.ts';
import { enabledDeclarations } from '../declared.ts';

/** What the enabled features keep about a person (export, erasure, retention), in feature order. */
export const personalDeclarations = (config: RapportConfig): PersonalData[] => enabledDeclarations(config).flatMap((d) => (d.personal ? [d.personal] : []));
