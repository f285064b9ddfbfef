/**
 * @module A strategy version's declared parameters as form fields (number, checkbox, select), and
 * reading them back: shared by the backtest form and the live-run form.
 */
import type { ParamSpec } from '@tickline/client';
import type { ReactNode } from 'react';
import { Field, formText } from '../../components/field.tsx';

/** The fields, named `param-<name>`, with each declaration's default. */
export function ParamFields({ params }: { params: Record<string, ParamSpec> }): ReactNode {
  return Object.entries(params).map(([name, spec]) =>
    spec.type === 'bool' ? (
      <label key={name} className="check">
        <input type="checkbox" name={`param-${name}`} defaultChecked={spec.default} /> {name}
      </label>
    ) : spec.type === 'enum' ? (
      <label key={name} className="field">
        <span className="field-label">{name}</span>
        <select name={`param-${name}`} defaultValue={spec.default}>
          {spec.values.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
    ) : (
      <Field
        key={name}
        label={name}
        name={`param-${name}`}
        type="number"
        defaultValue={String(spec.default)}
        step={spec.type === 'int' ? 1 : 'any'}
        {...(spec.min !== undefined ? { min: spec.min } : {})}
        {...(spec.max !== undefined ? { max: spec.max } : {})}
        {...(spec.description ? { hint: spec.description } : {})}
      />
    ),
  );
}

/** The values of {@link ParamFields} in a submitted form. */
export function readParams(
  form: FormData,
  params: Record<string, ParamSpec>,
): Record<string, number | boolean | string> {
  const values: Record<string, number | boolean | string> = {};
  for (const [name, spec] of Object.entries(params)) {
    const raw = formText(form, `param-${name}`);
    values[name] =
      spec.type === 'bool' ? form.get(`param-${name}`) === 'on' : spec.type === 'enum' ? raw : Number(raw);
  }
  return values;
}
