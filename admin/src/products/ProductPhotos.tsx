import { useCallback, useEffect, useId, useState } from 'react';
import { useDataProvider, useNotify, useTranslate } from 'react-admin';
import { useParams } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import TextField from '@mui/material/TextField';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import DeleteIcon from '@mui/icons-material/Delete';
import PhotoCameraIcon from '@mui/icons-material/PhotoCamera';
import UploadIcon from '@mui/icons-material/Upload';
import { API_URL, type MinishopDataProvider } from '../api/dataProvider.ts';
import { authorizedFetch } from '../api/session.ts';

export interface ProductPhoto {
  id: string;
  alt: string;
  position: number;
  widths: Record<string, { webp: string; jpeg: string }>;
}

/** The smallest width the server made: enough for a thumbnail. */
function thumbnailUrl(photo: ProductPhoto): string | undefined {
  const smallest = Object.keys(photo.widths).sort((left, right) => Number(left) - Number(right))[0];
  return smallest ? photo.widths[smallest]?.jpeg : undefined;
}

/**
 * A product's photos: drop files on the zone, pick them, or take one with the phone's camera. Each is
 * one multipart POST /api/admin/products/:id/photos (the server checks the content, re-encodes and
 * resizes); its refusal (`errors.file`: not a picture, too large) shows under the zone.
 */
export function ProductPhotos({ canWrite }: { canWrite: boolean }) {
  const { id: productId = '' } = useParams();
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<MinishopDataProvider>();
  const [photos, setPhotos] = useState<ProductPhoto[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [dragging, setDragging] = useState(false);
  const errorId = useId();
  const photosPath = `products/${encodeURIComponent(productId)}/photos`;

  const load = useCallback(() => {
    dataProvider.read<ProductPhoto[]>(photosPath).then(setPhotos, (error: Error) => notify(error.message, { type: 'error' }));
  }, [dataProvider, notify, photosPath]);
  useEffect(load, [load]);

  const upload = async (files: FileList | File[] | null) => {
    if (!files?.length) return;
    setUploading(true);
    setFileError(null);
    try {
      for (const file of Array.from(files)) {
        const form = new FormData();
        form.append('file', file, file.name);
        // No Content-Type of our own: the browser writes the multipart boundary.
        const response = await authorizedFetch(`${API_URL}/${photosPath}`, { method: 'POST', body: form });
        if (!response.ok) {
          const body = (await response.json().catch(() => null)) as { message?: string; errors?: Record<string, string> } | null;
          setFileError(body?.errors?.file ?? body?.message ?? `HTTP ${response.status}`);
          break;
        }
      }
    } finally {
      setUploading(false);
      load();
    }
  };

  const remove = async (photo: ProductPhoto) => {
    try {
      await dataProvider.send(`${photosPath}/${encodeURIComponent(photo.id)}`, { method: 'DELETE' });
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
    load();
  };

  /** PUT .../photos/:photoId with the alt text or the new 0-based position (the server shifts the others). */
  const change = async (photo: ProductPhoto, update: { alt?: string; position?: number }) => {
    try {
      await dataProvider.send(`${photosPath}/${encodeURIComponent(photo.id)}`, { method: 'PUT', json: update });
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    }
    load();
  };

  return (
    <Stack spacing={2} sx={{ mt: 1 }}>
      <Stack direction="row" spacing={2} sx={{ flexWrap: 'wrap' }} component="ul" aria-label={translate('minishop.products.photos')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {photos.map((photo) => (
          <Box component="li" key={photo.id} sx={{ position: 'relative' }}>
            <img src={thumbnailUrl(photo)} alt={photo.alt || translate('minishop.products.photo_alt', { position: photo.position + 1 })} width={160} height={120} style={{ objectFit: 'cover', borderRadius: 4 }} />
            {canWrite && (
              <IconButton size="small" aria-label={translate('minishop.products.delete_photo', { position: photo.position + 1 })} onClick={() => remove(photo)} sx={{ position: 'absolute', top: 0, right: 0, bgcolor: 'background.paper' }}>
                <DeleteIcon fontSize="small" />
              </IconButton>
            )}
            {canWrite && (
              <Stack sx={{ width: 160 }}>
                <Stack direction="row" sx={{ justifyContent: 'space-between' }}>
                  <IconButton size="small" disabled={photo.position === 0} aria-label={translate('minishop.products.move_photo_earlier', { position: photo.position + 1 })} onClick={() => change(photo, { position: photo.position - 1 })}>
                    <ArrowBackIcon fontSize="small" />
                  </IconButton>
                  <IconButton
                    size="small"
                    disabled={photo.position === photos.length - 1}
                    aria-label={translate('minishop.products.move_photo_later', { position: photo.position + 1 })}
                    onClick={() => change(photo, { position: photo.position + 1 })}
                  >
                    <ArrowForwardIcon fontSize="small" />
                  </IconButton>
                </Stack>
                {/* Saved when the field is left; the key resets it when the server's text changes. */}
                <TextField
                  key={`${photo.id}-${photo.alt}`}
                  size="small"
                  defaultValue={photo.alt}
                  label={translate('minishop.products.photo_alt_text', { position: photo.position + 1 })}
                  slotProps={{ htmlInput: { maxLength: 200 } }}
                  onBlur={(event) => {
                    if (event.target.value !== photo.alt) void change(photo, { alt: event.target.value });
                  }}
                />
              </Stack>
            )}
          </Box>
        ))}
        {photos.length === 0 && <Typography color="text.secondary">{translate('minishop.products.no_photos')}</Typography>}
      </Stack>
      {canWrite && (
        <Box
          data-testid="photo-drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(event) => {
            event.preventDefault();
            setDragging(false);
            void upload(event.dataTransfer.files);
          }}
          sx={{ border: '2px dashed', borderColor: fileError ? 'error.main' : dragging ? 'primary.main' : 'divider', borderRadius: 1, p: 3, textAlign: 'center' }}
          aria-describedby={fileError ? errorId : undefined}
        >
          <Typography sx={{ mb: 1 }}>{uploading ? translate('minishop.products.uploading') : translate('minishop.products.drop_photos')}</Typography>
          <Stack direction="row" spacing={1} sx={{ justifyContent: 'center' }}>
            <Button component="label" variant="outlined" startIcon={<UploadIcon />} disabled={uploading}>
              {translate('minishop.products.choose_photos')}
              <input hidden type="file" accept="image/*" multiple onChange={(event) => void upload(event.target.files)} aria-describedby={fileError ? errorId : undefined} />
            </Button>
            <Button component="label" variant="outlined" startIcon={<PhotoCameraIcon />} disabled={uploading}>
              {translate('minishop.products.take_photo')}
              <input hidden type="file" accept="image/*" capture="environment" onChange={(event) => void upload(event.target.files)} />
            </Button>
          </Stack>
          {fileError && (
            <FormHelperText error id={errorId} role="alert" sx={{ textAlign: 'center' }}>
              {fileError}
            </FormHelperText>
          )}
        </Box>
      )}
    </Stack>
  );
}
