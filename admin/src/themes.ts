import { defaultDarkTheme, defaultLightTheme, type RaThemeOptions } from 'react-admin';

/** Light and dark, react-admin's defaults with our primary colour; the app bar toggles between them. */
export const lightTheme: RaThemeOptions = { ...defaultLightTheme, palette: { ...defaultLightTheme.palette, primary: { main: '#1b5e20' }, secondary: { main: '#1b5e20' } } };
export const darkTheme: RaThemeOptions = { ...defaultDarkTheme, palette: { ...defaultDarkTheme.palette, primary: { main: '#81c784' }, secondary: { main: '#81c784' } } };
